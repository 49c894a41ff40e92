package dev.drover.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.ledger.RunRecord;
import dev.drover.model.RunStatus;
import dev.drover.spec.TargetMode;
import dev.drover.outbox.Channel;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NeedsPersonAlertTest {
    private static final RunRecord RUN = new RunRecord("r1", "users/V2", "sum", "users-v1", "wh/users_v1", 0, "users-v2", "wh/users_v2",
            TargetMode.NEW_TABLE, Optional.empty(), Optional.of(1L), RunStatus.SUCCEEDED, "", Instant.now(), "h", 1, "");

    private static OutboxEvent event(String consumer, Channel channel, String consumerPart) {
        return new OutboxEvent(OutboxEvent.id("r1", consumer, EventType.MIGRATED, channel), "r1", "users/V2", "users-v1", consumer,
                EventType.MIGRATED, channel == Channel.KAFKA ? "t" : Channel.repository("/r"), dev.drover.model.UpdateStrategy.IMMEDIATE, 0, "",
                "{\"dataset\":\"users-v1\",\"consumer\":" + consumerPart + "}", Instant.now());
    }

    @Test
    void oneAlertPerConsumerThatNeedsAPersonAddressedToItsContact() {
        String needs = "{\"name\":\"reports\",\"contact\":\"#reports\",\"impact\":{\"class\":\"needs-person\",\"problem\":null,\"queries\":["
                + "{\"query\":\"q/a.sql\",\"class\":\"rewritable\",\"reasons\":[\"name was renamed\"]},"
                + "{\"query\":\"q/b.sql\",\"class\":\"needs-person\",\"reasons\":[\"reads legacy_flag, which users-v2 no longer has\"]}]}}";
        String fine = "{\"name\":\"ok\",\"impact\":{\"class\":\"rewritable\",\"queries\":[]}}";
        List<Alert> alerts = Alerts.needsPerson(RUN, List.of(event("reports", Channel.KAFKA, needs), event("reports", Channel.REPOSITORY, needs),
                event("ok", Channel.KAFKA, fine), event("plain", Channel.KAFKA, "{\"name\":\"plain\"}")));
        assertEquals(1, alerts.size(), alerts.toString());
        Alert a = alerts.get(0);
        assertEquals(dev.drover.model.AlertReason.NEEDS_PERSON, a.reason());
        assertEquals("r1:reports", a.subject());
        assertTrue(a.summary().startsWith("#reports: users/V2: consumer reports has 1 query no proven rewrite can fix"), a.summary());
        assertEquals("q/b.sql: reads legacy_flag, which users-v2 no longer has", a.details().get("queries"));
        assertEquals("#reports", a.details().get("contact"));
    }

    @Test
    void aConsumerWhoseRepositoryCouldNotBeReadNeedsAPersonForThatReason() {
        String lost = "{\"name\":\"lost\",\"impact\":{\"class\":\"needs-person\",\"problem\":\"repository /x cannot be cloned: gone\",\"queries\":[]}}";
        List<Alert> alerts = Alerts.needsPerson(RUN, List.of(event("lost", Channel.KAFKA, lost)));
        assertEquals("repository /x cannot be cloned: gone", alerts.get(0).details().get("queries"));
        assertEquals("none in the catalog", alerts.get(0).details().get("contact"));
    }
}
