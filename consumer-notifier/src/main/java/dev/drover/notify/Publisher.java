package dev.drover.notify;

import dev.drover.common.Messages;
import dev.drover.config.NotifySettings;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.OutboxEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends CloudEvents to Kafka in structured content mode (the record value is the whole event as
 * JSON, header {@code content-type: application/cloudevents+json}), keyed by consumer so each
 * consumer's events stay in order. The producer is idempotent with {@code acks=all}; the Kafka
 * client retries with backoff until the delivery timeout. Every event ends delivered (with its
 * partition and offset), failed (with the error) or unconfirmed.
 */
public final class Publisher implements AutoCloseable {
    private final NotifySettings settings;
    private final KafkaProducer<String, CloudEvent> producer;

    public Publisher(NotifySettings settings) {
        this.settings = settings;
        this.producer = new KafkaProducer<>(config(settings));
    }

    static Map<String, Object> config(NotifySettings s) {
        Map<String, Object> c = new HashMap<>(s.kafka());
        long delivery = Math.max(2000, s.deliveryTimeout().toMillis());
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, delivery - 5));
        c.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, s.retryBackoff().toMillis());
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, s.maxBlock().toMillis());
        c.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        c.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "drover-notifier");
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName());
        c.put(CloudEventSerializer.ENCODING_CONFIG, Encoding.STRUCTURED);
        c.put(CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE);
        return c;
    }

    public List<Delivery> publish(List<Release.Due> due) {
        Map<String, List<Release.Due>> byTopic = new LinkedHashMap<>();
        due.forEach(d -> byTopic.computeIfAbsent(d.event().topic(), t -> new ArrayList<>()).add(d));
        List<Delivery> results = new ArrayList<>();
        List<Release.Due> sentEvents = new ArrayList<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Map.Entry<String, List<Release.Due>> topic : byTopic.entrySet()) {
            try {
                // One metadata wait per topic: a missing topic or a broker outage fails its events
                // together instead of blocking once per event.
                producer.partitionsFor(topic.getKey());
            } catch (RuntimeException e) {
                String why = "topic " + topic.getKey() + " unavailable: " + message(e);
                topic.getValue().forEach(d -> results.add(failed(d, Delivery.Status.FAILED, why)));
                continue;
            }
            for (Release.Due d : topic.getValue()) {
                OutboxEvent e = d.event();
                try {
                    sent.add(producer.send(new ProducerRecord<>(e.topic(), e.consumer(), Events.cloudEvent(e, settings))));
                    sentEvents.add(d);
                } catch (RuntimeException ex) {
                    results.add(failed(d, Delivery.Status.FAILED, message(ex)));
                }
            }
        }
        producer.flush();
        for (int i = 0; i < sent.size(); i++) {
            Release.Due d = sentEvents.get(i);
            Future<RecordMetadata> f = sent.get(i);
            if (!f.isDone()) {
                results.add(failed(d, Delivery.Status.UNCONFIRMED, "no confirmation from the broker"));
                continue;
            }
            try {
                RecordMetadata m = f.get();
                OutboxEvent e = d.event();
                results.add(new Delivery(e.eventId(), e.runId(), e.consumer(), Delivery.Status.DELIVERED, d.attempt(), e.topic(),
                        m.partition(), m.offset(), "", Instant.now()));
            } catch (ExecutionException ex) {
                results.add(failed(d, Delivery.Status.FAILED, message(ex.getCause())));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                results.add(failed(d, Delivery.Status.UNCONFIRMED, "interrupted while waiting for the broker"));
            }
        }
        return results;
    }

    private Delivery failed(Release.Due d, Delivery.Status status, String error) {
        OutboxEvent e = d.event();
        return new Delivery(e.eventId(), e.runId(), e.consumer(), status, d.attempt(), e.topic(), -1, -1, error, Instant.now());
    }

    /** The error's one-line text with secrets removed (it goes to the ledger and the terminal). */
    private String message(Throwable e) {
        return settings.redact(Messages.oneLine(e));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
