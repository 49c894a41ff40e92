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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server for the alert tests, run as its own process ({@code java ... WebhookRecorder
 * FILE FLAKY [KEYSTORE.p12 PASSWORD]}; with a keystore it speaks HTTPS): it answers every POST as Slack (200 "ok") or PagerDuty (202) would and appends it
 * to FILE as one JSON line (path, body); the first FLAKY requests to a path under {@code /flaky/}
 * get a 500 first. It prints "listening PORT" on stderr once it accepts connections.
 */
public final class WebhookRecorder {
    private WebhookRecorder() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int flaky = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        AtomicInteger flakyAnswered = new AtomicInteger();
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
            } else if (path.contains("/slack/")) {
                status = 200;
                answer = "ok";
            } else {
                status = 202;
                answer = "{\"status\":\"success\",\"message\":\"Event processed\"}";
            }
            synchronized (WebhookRecorder.class) {
                Files.writeString(file, json.writeValueAsString(Map.of("scheme", scheme, "method", exchange.getRequestMethod(), "path", path,
                        "status", status, "body", body)) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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
