package dev.drover.notify;

import dev.drover.config.NotifySettings;
import dev.drover.outbox.OutboxEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;

/**
 * Outbox event → CloudEvent 1.0: {@code id} the outbox event id, {@code source}
 * {@code /drover/datasets/<dataset>}, {@code type} {@code <prefix>.migrated} or
 * {@code <prefix>.rolled-back}, {@code subject} the consumer, {@code time} when the event was
 * written, {@code datacontenttype} application/json, {@code data} the outbox payload, and the
 * extension {@code droverrun} (the run id).
 */
public final class Events {
    public static final String SOURCE_PREFIX = "/drover/datasets/";

    private Events() {}

    public static CloudEvent cloudEvent(OutboxEvent e, NotifySettings settings) {
        return CloudEventBuilder.v1()
                .withId(e.eventId())
                .withSource(URI.create(SOURCE_PREFIX + e.dataset()))
                .withType(settings.eventType(e.type().label()))
                .withSubject(e.consumer())
                .withTime(e.createdAt().atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withExtension("droverrun", e.runId())
                .withData(e.payload().getBytes(StandardCharsets.UTF_8))
                .build();
    }
}
