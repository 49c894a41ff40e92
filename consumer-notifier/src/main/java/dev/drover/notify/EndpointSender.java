package dev.drover.notify;

import dev.drover.common.Messages;
import dev.drover.config.DeliverySettings;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.OutboxEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Calls consumers' update endpoints: each event is POSTed in the CloudEvents HTTP binding,
 * structured mode (the body is the whole event as JSON, {@code Content-Type:
 * application/cloudevents+json}), with the consumer's secret header when it declares one (its
 * value read from the environment at send time, never printed or recorded). 2xx is delivered;
 * 4xx failed at once (the endpoint refused this event: sending it again unchanged will not help,
 * so it waits for {@code drover notify --retry-failed}); 5xx, 429 or no answer within the timeout
 * is tried again, the backoff doubling, up to the configured attempts. Every try is recorded.
 */
public final class EndpointSender {
    /** A consumer's secret header: its name and the environment variable holding its value. */
    public record Secret(String header, String env) {}

    private final DeliverySettings settings;
    private final HttpClient http;
    private final Function<String, Optional<Secret>> secrets;
    private final UnaryOperator<String> environment;

    /**
     * @param secrets a consumer's secret header, by consumer name
     * @param environment reads an environment variable (null when unset)
     */
    public EndpointSender(DeliverySettings settings, Function<String, Optional<Secret>> secrets, UnaryOperator<String> environment) {
        this.settings = settings;
        this.secrets = secrets;
        this.environment = environment;
        this.http = HttpClient.newBuilder().connectTimeout(settings.endpointTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Every try of every event, in order: the last row of an event is its state. */
    public List<Delivery> send(List<Release.Due> due, Function<OutboxEvent, CloudEvent> events) {
        List<Delivery> out = new ArrayList<>();
        for (Release.Due d : due) {
            out.addAll(send(d, events.apply(d.event())));
        }
        return out;
    }

    private List<Delivery> send(Release.Due d, CloudEvent event) {
        OutboxEvent e = d.event();
        List<Delivery> tries = new ArrayList<>();
        Optional<Secret> secret = secrets.apply(e.consumer());
        String secretValue = null;
        if (secret.isPresent()) {
            secretValue = environment.apply(secret.get().env());
            if (secretValue == null || secretValue.isEmpty()) {
                tries.add(row(e, Delivery.Status.FAILED, d.attempt(), "", "environment variable " + secret.get().env()
                        + " (the value of header " + secret.get().header() + ", drover.dev/update-endpoint-secret) is not set"));
                return tries;
            }
        }
        HttpRequest request = request(e, event, secret, secretValue);
        Duration wait = settings.endpointBackoff();
        for (int t = 0; t < settings.endpointAttempts(); t++) {
            int attempt = d.attempt() + t;
            String error;
            boolean again;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int code = response.statusCode();
                if (code >= 200 && code < 300) {
                    tries.add(row(e, Delivery.Status.DELIVERED, attempt, "HTTP " + code, ""));
                    return tries;
                }
                error = "HTTP " + code + firstLine(response.body(), secretValue);
                again = code >= 500 || code == 429;
                tries.add(row(e, Delivery.Status.FAILED, attempt, "HTTP " + code,
                        again ? error : error + " (refused: not retried; drover notify --retry-failed sends it again)"));
            } catch (IOException ex) {
                error = scrub(Messages.oneLine(ex), secretValue);
                again = true;
                tries.add(row(e, Delivery.Status.FAILED, attempt, "", error));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                tries.add(row(e, Delivery.Status.UNCONFIRMED, attempt, "", "interrupted while waiting for " + e.topic()));
                return tries;
            }
            if (!again || t + 1 == settings.endpointAttempts()) {
                return tries;
            }
            sleep(wait);
            wait = wait.multipliedBy(2);
        }
        return tries;
    }

    private HttpRequest request(OutboxEvent e, CloudEvent event, Optional<Secret> secret, String secretValue) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(e.topic())).timeout(settings.endpointTimeout());
        byte[][] body = new byte[1][];
        HttpMessageFactory.createWriter(builder::header, b -> body[0] = b).writeStructured(event, JsonFormat.CONTENT_TYPE);
        secret.ifPresent(s -> builder.header(s.header(), secretValue));
        return builder.POST(HttpRequest.BodyPublishers.ofByteArray(body[0])).build();
    }

    private static Delivery row(OutboxEvent e, Delivery.Status status, int attempt, String detail, String error) {
        return new Delivery(e.eventId(), e.runId(), e.consumer(), status, attempt, e.topic(), -1, -1, error, Instant.now(), detail);
    }

    private static String firstLine(String body, String secret) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = body.strip().lines().findFirst().orElse("");
        return ": " + scrub(line.length() > 200 ? line.substring(0, 200) + "…" : line, secret);
    }

    private static String scrub(String text, String secret) {
        return secret == null || secret.length() < 2 ? text : text.replace(secret, "<secret>");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
