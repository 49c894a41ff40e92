package dev.drover.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.model.AlertAction;
import dev.drover.model.AlertSinkKind;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;

/**
 * Where alerts go, as HTTP requests: a Slack-compatible incoming webhook (triggers only, as
 * text) or PagerDuty's Events API v2 (trigger and resolve with a dedup key). A sink is known by
 * its kind; its URL and key are secrets and stay inside it.
 */
abstract sealed class Sink {
    static final ObjectMapper JSON = new ObjectMapper();

    abstract AlertSinkKind kind();

    /** The request for an alert, or null when this sink has nothing to say for that action. */
    abstract HttpRequest request(Alert alert, AlertAction action, Duration timeout);

    /** The strings that must never leave this sink: scrubbed from errors before they are recorded. */
    abstract List<String> secrets();

    static HttpRequest post(String url, ObjectNode body, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    static final class Slack extends Sink {
        private final String webhook;

        Slack(String webhook) {
            this.webhook = webhook;
        }

        @Override
        AlertSinkKind kind() {
            return AlertSinkKind.SLACK;
        }

        @Override
        HttpRequest request(Alert alert, AlertAction action, Duration timeout) {
            if (action != AlertAction.TRIGGER) {
                return null;
            }
            ObjectNode body = JSON.createObjectNode();
            StringBuilder text = new StringBuilder("Drover ").append(alert.severity().label()).append(": ").append(alert.summary());
            alert.details().forEach((k, v) -> text.append("\n• ").append(k).append(": ").append(v));
            body.put("text", text.toString());
            return post(webhook, body, timeout);
        }

        @Override
        List<String> secrets() {
            return List.of(webhook, URI.create(webhook).getRawPath());
        }
    }

    static final class PagerDuty extends Sink {
        private final String url;
        private final String routingKey;
        private final String source;

        PagerDuty(String url, String routingKey, String source) {
            this.url = url;
            this.routingKey = routingKey;
            this.source = source;
        }

        @Override
        AlertSinkKind kind() {
            return AlertSinkKind.PAGERDUTY;
        }

        @Override
        HttpRequest request(Alert alert, AlertAction action, Duration timeout) {
            ObjectNode body = JSON.createObjectNode().put("routing_key", routingKey).put("event_action", action.label())
                    .put("dedup_key", alert.dedupKey());
            if (action == AlertAction.TRIGGER) {
                ObjectNode payload = body.putObject("payload");
                payload.put("summary", alert.summary().length() > 1000 ? alert.summary().substring(0, 1000) + "…" : alert.summary())
                        .put("source", source).put("severity", alert.severity().label()).put("group", alert.group()).put("class", alert.reason().label())
                        .put("component", "drover");
                ObjectNode details = payload.putObject("custom_details");
                details.put("subject", alert.subject());
                alert.details().forEach(details::put);
            }
            return post(url, body, timeout);
        }

        @Override
        List<String> secrets() {
            return List.of(routingKey);
        }
    }
}
