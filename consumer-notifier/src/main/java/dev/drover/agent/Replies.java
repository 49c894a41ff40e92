package dev.drover.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.common.Hosts;
import dev.drover.config.AgentSettings;
import dev.drover.config.NotifySettings;
import dev.drover.ledger.RequestRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The agent's answers: a CloudEvent 1.0 (structured JSON) per state of a request, keyed by the
 * request id, {@code id} {@code <request id>/<status>} (a reply sent twice is the same event:
 * drop it by id), {@code type} {@code <reply prefix>.<status>}, {@code subject} the request id,
 * {@code data} {requestId, status, kind, target, runId, message, exitCode, requester}.
 * Also the Kafka client settings the agent and {@code drover request} share.
 */
public final class Replies {
    private Replies() {}

    public static String reply(RequestRecord r, AgentSettings settings) {
        ObjectNode node = AgentRequest.JSON.createObjectNode();
        node.put("specversion", "1.0").put("id", r.requestId() + "/" + r.status().label())
                .put("source", "drover-agent/" + Hosts.name()).put("type", settings.replyType(r.status().label()))
                .put("subject", r.requestId()).put("time", r.eventTime().toString()).put("datacontenttype", "application/json");
        ObjectNode data = node.putObject("data");
        data.put("requestId", r.requestId()).put("status", r.status().label()).put("kind", r.kind()).put("target", r.target())
                .put("runId", r.runId().isEmpty() ? null : r.runId()).put("message", r.message()).put("exitCode", r.exitCode())
                .put("requester", r.requester());
        return node.toString();
    }

    /** An idempotent producer of JSON text (acks=all), with the user's Kafka settings (TLS, SASL). */
    public static Map<String, Object> producer(NotifySettings s, String clientId) {
        Map<String, Object> c = new HashMap<>(s.kafka());
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(2000, s.deliveryTimeout().toMillis()));
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, Math.max(1000, s.deliveryTimeout().toMillis() - 5)));
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, s.maxBlock().toMillis());
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        c.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return c;
    }

    /** A consumer of JSON text that commits only when told; {@code group} null: no group (assigned partitions). */
    public static Map<String, Object> consumer(NotifySettings s, String group, String clientId) {
        Map<String, Object> c = new HashMap<>(s.kafka());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(1000, s.maxBlock().toMillis()));
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return c;
    }
}
