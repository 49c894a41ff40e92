package dev.drover.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.config.NotifySettings;
import dev.drover.outbox.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads acknowledgements from the ack topic: records whose value is JSON
 * {@code {"eventId": "...", "consumer": "..."}}. Everything up to the topic's current end is
 * read; the acks are handed to {@code record} (the ledger) before the offsets are committed
 * (group {@code drover-notifier}), so an ack is never lost, at worst recorded twice.
 */
final class AckReader {
    static final String GROUP = "drover-notifier";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(List<Outbox.Ack> acks, int unreadable) {}

    private AckReader() {}

    static Result read(NotifySettings s, Consumer<List<Outbox.Ack>> record) {
        Map<String, Object> c = new HashMap<>(s.kafka());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(1000, s.maxBlock().toMillis()));
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "drover-notifier-acks");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            List<PartitionInfo> infos = consumer.partitionsFor(s.ackTopic());
            if (infos == null || infos.isEmpty()) {
                return new Result(List.of(), 0);
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata at = committed.get(tp);
                if (at == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, at.offset());
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Outbox.Ack> acks = new ArrayList<>();
            int unreadable = 0;
            long deadline = System.nanoTime() + Math.max(5_000, s.maxBlock().toMillis()) * 1_000_000L;
            while (!reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    Outbox.Ack ack = parse(r);
                    if (ack == null) {
                        unreadable++;
                    } else {
                        acks.add(ack);
                    }
                }
            }
            record.accept(acks);
            Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
            for (TopicPartition tp : partitions) {
                positions.put(tp, new OffsetAndMetadata(consumer.position(tp)));
            }
            consumer.commitSync(positions);
            return new Result(acks, unreadable);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static Outbox.Ack parse(ConsumerRecord<String, String> r) {
        try {
            JsonNode node = JSON.readTree(r.value() == null ? "" : r.value());
            if (node == null || !node.path("eventId").isTextual()) {
                return null;
            }
            String consumer = node.path("consumer").isTextual() ? node.get("consumer").asText() : r.key();
            return new Outbox.Ack(node.get("eventId").asText(), consumer == null ? "" : consumer, r.partition(), r.offset(),
                    Instant.ofEpochMilli(r.timestamp()));
        } catch (Exception e) {
            return null;
        }
    }
}
