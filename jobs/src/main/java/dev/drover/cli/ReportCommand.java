package dev.drover.cli;

import dev.drover.error.InputError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Renders a static HTML dashboard from the ledger: index.html (agent requests, waves, runs, with filters),",
                "a page per run (stages against the template, batches, checks, schema change, quarantine, consumers, Delta history)",
                "and fleet.html (executors against the backlog per wave). It opens from disk and needs no network."})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the report into (made when missing).")
    Path out;

    @Option(names = "--versions", defaultValue = "20", paramLabel = "N",
            description = "Newest Delta versions of each target dataset to show on run pages; 0 reads none (default: ${DEFAULT-VALUE}).")
    int versions;

    @Override
    public Integer call() throws Exception {
        if (versions < 0) {
            throw new InputError("", "--versions", "expected 0 or more, got " + versions);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InputError(out.toString(), "--out", "is a file; expected a folder to write the report into");
        }
        long started = System.nanoTime();
        var written = root.drover(false).report(out, versions);
        root.out().printf("report: %s (%d runs, %d waves, %d requests) in %.1f s%n", written.index().toAbsolutePath(), written.runPages(),
                written.waves(), written.requests(), (System.nanoTime() - started) / 1e9);
        return 0;
    }
}
