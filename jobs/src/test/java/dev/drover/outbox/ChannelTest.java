package dev.drover.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.drover.catalog.ConsumerCode;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.model.UpdateStrategy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChannelTest {
    @Test
    void theDestinationSaysTheChannel() {
        assertEquals(Channel.KAFKA, Channel.of("drover.dataset-updates"));
        assertEquals(Channel.ENDPOINT, Channel.of("https://profile.internal/drover"));
        assertEquals(Channel.ENDPOINT, Channel.of("http://127.0.0.1:8080/x"));
        assertEquals(Channel.REPOSITORY, Channel.of(Channel.repository("ssh://git@host/repo.git")));
        assertEquals("/srv/git/r", Channel.repositoryLocation(Channel.repository("/srv/git/r")));
    }

    @Test
    void kafkaIdsStayAsTheyWereAndOtherChannelsGetASuffix() {
        assertEquals("r1:c:migrated", OutboxEvent.id("r1", "c", EventType.MIGRATED, Channel.KAFKA));
        assertEquals("r1:c:migrated:endpoint", OutboxEvent.id("r1", "c", EventType.MIGRATED, Channel.ENDPOINT));
        assertEquals("r1:c:rolled-back:repository", OutboxEvent.id("r1", "c", EventType.ROLLED_BACK, Channel.REPOSITORY));
    }

    private static ConsumerEntity consumer(Optional<String> topic, Optional<URI> endpoint) {
        ConsumerCode code = new ConsumerCode(List.of(), Optional.empty(), Optional.empty(), Map.of(), Map.of(), Map.of(), endpoint,
                Optional.empty(), Optional.empty());
        return new ConsumerEntity("c", "f.yaml", "group:x", List.of("users-v1"), UpdateStrategy.IMMEDIATE, 0, Optional.empty(), topic,
                Optional.empty(), code);
    }

    @Test
    void anEndpointReplacesKafkaUnlessTheConsumerNamesItsOwnTopic() {
        URI url = URI.create("https://x.internal/u");
        assertEquals(List.of("default"), consumer(Optional.empty(), Optional.empty()).destinations("default"));
        assertEquals(List.of("own"), consumer(Optional.of("own"), Optional.empty()).destinations("default"));
        assertEquals(List.of(url.toString()), consumer(Optional.empty(), Optional.of(url)).destinations("default"));
        assertEquals(List.of("own", url.toString()), consumer(Optional.of("own"), Optional.of(url)).destinations("default"));
    }

    @Test
    void aRolledBackEventGoesBackThroughTheSameChannel() {
        OutboxEvent m = new OutboxEvent(OutboxEvent.id("r1", "c", EventType.MIGRATED, Channel.ENDPOINT), "r1", "users/V2", "users-v1", "c",
                EventType.MIGRATED, "https://x.internal/u", dev.drover.model.UpdateStrategy.IMMEDIATE, 0, "", "{\"consumer\":{\"name\":\"c\"}}", java.time.Instant.now());
        OutboxEvent back = OutboxEvent.rolledBack(List.of(m), 3, "checks failed", java.time.Instant.now()).get(0);
        assertEquals("r1:c:rolled-back:endpoint", back.eventId());
        assertEquals(Channel.ENDPOINT, back.channel());
        assertEquals("https://x.internal/u", back.topic());
    }
}
