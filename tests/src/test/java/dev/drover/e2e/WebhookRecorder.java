package dev.drover.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server for the alert tests, run as its own process ({@code java ... WebhookRecorder
 * FILE FLAKY [KEYSTORE.p12 PASSWORD]}; with a keystore it speaks HTTPS): it answers every POST as Slack (200 "ok") or PagerDuty (202) would and appends it
 * to FILE as one JSON line (path, body); the first FLAKY requests to a path under {@code /flaky/}
 * get a 500 first, and the first request to each path under {@code /refuse/} a 400 (a consumer
 * endpoint refusing an event, then taking it when sent again). Each line also holds the request's
 * {@code Content-Type} and {@code X-Token} headers. It prints "listening PORT" on stderr once it
 * accepts connections.
 */
public final class WebhookRecorder {
    private WebhookRecorder() {}

    /** Starts the recorder in its own process (FILE {@code requests}, FLAKY {@code flaky}) and waits for its port. */
    static Driver launch(Path requests, int flaky, Path stdout) {
        List<String> command = Project.javaCommand(Project.testClasspath(), List.of());
        command.addAll(List.of(WebhookRecorder.class.getName(), requests.toString(), String.valueOf(flaky)));
        return Driver.start(command, stdout);
    }

    /** The port a launched recorder listens on, once it says so. */
    static String port(Driver server) throws InterruptedException {
        server.awaitLine("listening ", 60);
        return java.util.Arrays.stream(server.stderr().split("\n")).filter(l -> l.startsWith("listening ")).findFirst().orElseThrow()
                .substring("listening ".length()).trim();
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int flaky = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        AtomicInteger flakyAnswered = new AtomicInteger();
        java.util.Set<String> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ObjectMapper json = new ObjectMapper();
        HttpServer server;
        if (args.length > 3) {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls(Path.of(args[2]), args[3].toCharArray())));
            server = https;
        } else {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        String scheme = server instanceof HttpsServer ? "https" : "http";
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status;
            String answer;
            if (path.startsWith("/flaky/") && flakyAnswered.getAndIncrement() < flaky) {
                status = 500;
                answer = "try again";
            } else if (path.startsWith("/refuse/") && refused.add(path)) {
                status = 400;
                answer = "unknown field in event";
            } else if (path.contains("/slack/")) {
                status = 200;
                answer = "ok";
            } else {
                status = 202;
                answer = "{\"status\":\"success\",\"message\":\"Event processed\"}";
            }
            synchronized (WebhookRecorder.class) {
                String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
                String token = String.valueOf(exchange.getRequestHeaders().getFirst("X-Token"));
                Files.writeString(file, json.writeValueAsString(Map.of("scheme", scheme, "method", exchange.getRequestMethod(), "path", path,
                        "status", status, "body", body, "contentType", contentType, "token", token)) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        System.err.println("listening " + server.getAddress().getPort());
        System.err.flush();
    }

    private static SSLContext tls(Path keystore, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(ks, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}
