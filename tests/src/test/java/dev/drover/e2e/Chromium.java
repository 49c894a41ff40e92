package dev.drover.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium as a separate process (installed by .ci/run when missing): the DOM
 * after scripts ran, and screenshots. Background networking is off, as this machine's closed
 * network wants, and every start gets a fresh profile.
 */
final class Chromium {
    private final Path binary;
    private final Path profiles;

    Chromium(Path profiles) {
        String configured = System.getenv("CHROMIUM");
        this.binary = Path.of(configured != null ? configured : "/usr/bin/chromium");
        this.profiles = profiles;
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no Chromium at " + binary + "; install Debian's chromium package (.ci/run does) or set CHROMIUM");
        }
    }

    /** The page's DOM once it loaded and its scripts ran. */
    String dumpDom(Path page) throws IOException, InterruptedException {
        return dumpDom(page, "");
    }

    /** The same with a query string ({@code ?status=failed}) on the page's file URL. */
    String dumpDom(Path page, String query) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", page.toUri() + query), null);
    }

    /** A PNG of the page at the given window size. */
    void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        run(List.of("--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(),
                page.toUri().toString()), png);
        if (!Files.exists(png)) {
            throw new IllegalStateException("Chromium wrote no screenshot at " + png);
        }
    }

    private String run(List<String> args, Path expected) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(Files.createDirectories(profiles), "profile");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--allow-file-access-from-files", "--user-data-dir=" + profile));
        command.addAll(args);
        Path err = profile.resolve("chromium.err");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish in 120 s: " + command);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("Chromium exited " + p.exitValue() + ": " + Files.readString(err));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
