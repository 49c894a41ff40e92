package dev.drover.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.drover.config.DeliverySettings;
import dev.drover.config.NotifySettings;
import dev.drover.outbox.Channel;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Calls to a real HTTP server on a local port, answering what each test scripts. */
class EndpointSenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NotifySettings NOTIFY = new NotifySettings("127.0.0.1:1", "t", "acks", "dev.drover.dataset",
            Duration.ofDays(30), Duration.ofHours(1), "", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(1), Map.of());
    private static final DeliverySettings SETTINGS = new DeliverySettings(Duration.ofSeconds(2), 3, Duration.ofMillis(20), "drover/",
            "Drover", "drover@localhost");

    private HttpServer server;
    private final List<Integer> script = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    record Received(String contentType, String secret, String body) {}

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/updates", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("X-Drover-Token"), new String(body, StandardCharsets.UTF_8)));
            int code = script.isEmpty() ? 200 : script.remove(0);
            byte[] answer = ("answer " + code + " token=" + exchange.getRequestHeaders().getFirst("X-Drover-Token"))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/updates";
    }

    private OutboxEvent event() {
        return new OutboxEvent(OutboxEvent.id("r1", "billing", EventType.MIGRATED, Channel.ENDPOINT), "r1", "users/V2", "users-v1",
                "billing", EventType.MIGRATED, url(), dev.drover.model.UpdateStrategy.IMMEDIATE, 0, "", "{\"dataset\":\"users-v1\",\"consumer\":{\"name\":\"billing\"}}",
                Instant.parse("2026-12-01T10:00:00Z"));
    }

    private List<Delivery> send(Optional<EndpointSender.Secret> secret, Map<String, String> env) {
        EndpointSender sender = new EndpointSender(SETTINGS, c -> secret, env::get);
        return sender.send(List.of(new Release.Due(event(), 1)), e -> Events.cloudEvent(e, NOTIFY));
    }

    @Test
    void postsTheCloudEventInStructuredModeAndA2xxIsDelivered() throws Exception {
        script.add(202);
        List<Delivery> tries = send(Optional.empty(), Map.of());
        assertEquals(1, tries.size());
        assertEquals(Delivery.Status.DELIVERED, tries.get(0).status());
        assertEquals("HTTP 202", tries.get(0).detail());
        Received r = received.peek();
        assertEquals("application/cloudevents+json", r.contentType().split(";")[0].trim());
        JsonNode ce = JSON.readTree(r.body());
        assertEquals("1.0", ce.path("specversion").asText());
        assertEquals("r1:billing:migrated:endpoint", ce.path("id").asText());
        assertEquals("dev.drover.dataset.migrated", ce.path("type").asText());
        assertEquals("billing", ce.path("data").path("consumer").path("name").asText());
    }

    @Test
    void a5xxIsTriedAgainWithBackoffAndEveryTryIsRecorded() {
        script.addAll(List.of(500, 503, 200));
        List<Delivery> tries = send(Optional.empty(), Map.of());
        assertEquals(List.of(Delivery.Status.FAILED, Delivery.Status.FAILED, Delivery.Status.DELIVERED),
                tries.stream().map(Delivery::status).toList());
        assertEquals(List.of(1, 2, 3), tries.stream().map(Delivery::attempt).toList());
        assertEquals("HTTP 500", tries.get(0).detail());
        assertEquals(3, received.size());
    }

    @Test
    void a5xxUpToTheLimitEndsFailed() {
        script.addAll(List.of(500, 500, 500, 200));
        List<Delivery> tries = send(Optional.empty(), Map.of());
        assertEquals(3, tries.size());
        assertEquals(Delivery.Status.FAILED, tries.get(2).status());
        assertEquals(3, received.size(), "the limit is 3 attempts: the fourth answer is never asked for");
    }

    @Test
    void a4xxFailsAtOnceWithoutRetry() {
        script.addAll(List.of(400, 200));
        List<Delivery> tries = send(Optional.empty(), Map.of());
        assertEquals(1, tries.size());
        assertEquals(Delivery.Status.FAILED, tries.get(0).status());
        assertTrue(tries.get(0).error().startsWith("HTTP 400"), tries.get(0).error());
        assertTrue(tries.get(0).error().contains("--retry-failed"), tries.get(0).error());
        assertEquals(1, received.size());
    }

    @Test
    void theSecretHeaderComesFromTheEnvironmentAndNeverShowsInWhatIsRecorded() {
        script.add(401);
        String secret = "s3cr3t-value-42";
        List<Delivery> tries = send(Optional.of(new EndpointSender.Secret("X-Drover-Token", "BILLING_TOKEN")), Map.of("BILLING_TOKEN", secret));
        assertEquals(secret, received.peek().secret(), "the endpoint got the header");
        // the endpoint echoed the token in its answer: the recorded error must not carry it
        assertFalse(tries.get(0).error().contains(secret), tries.get(0).error());
        assertTrue(tries.get(0).error().contains("<secret>"), tries.get(0).error());
    }

    @Test
    void anUnsetSecretVariableFailsWithoutCallingTheEndpoint() {
        List<Delivery> tries = send(Optional.of(new EndpointSender.Secret("X-Drover-Token", "BILLING_TOKEN")), Map.of());
        assertEquals(Delivery.Status.FAILED, tries.get(0).status());
        assertTrue(tries.get(0).error().contains("BILLING_TOKEN"), tries.get(0).error());
        assertTrue(received.isEmpty());
    }

    @Test
    void noAnswerWithinTheTimeoutIsTriedAgain() throws Exception {
        server.stop(0);
        // a socket that accepts and never answers
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/updates";
            OutboxEvent e = event();
            OutboxEvent at = new OutboxEvent(e.eventId(), e.runId(), e.migration(), e.dataset(), e.consumer(), e.type(), url, e.strategy(),
                    e.wave(), e.deadline(), e.payload(), e.createdAt());
            DeliverySettings quick = new DeliverySettings(Duration.ofMillis(300), 2, Duration.ofMillis(10), "drover/", "D", "d@x");
            List<Delivery> tries = new EndpointSender(quick, c -> Optional.empty(), k -> null)
                    .send(List.of(new Release.Due(at, 4)), x -> Events.cloudEvent(x, NOTIFY));
            assertEquals(2, tries.size());
            assertEquals(List.of(4, 5), tries.stream().map(Delivery::attempt).toList());
            assertTrue(tries.stream().allMatch(t -> t.status() == Delivery.Status.FAILED));
            assertTrue(tries.get(1).error().toLowerCase(java.util.Locale.ROOT).contains("timed out"), tries.get(1).error());
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);   // for @AfterEach
    }
}
