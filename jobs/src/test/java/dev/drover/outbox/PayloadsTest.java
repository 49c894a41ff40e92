package dev.drover.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PayloadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPayloadSplitIntoSharedDataAndTheConsumersPartComesBackWhole() throws Exception {
        String payload = "{\"dataset\":\"users-v1\",\"columnMapping\":{\"name\":\"display_name\",\"country_id\":null},"
                + "\"consumer\":{\"name\":\"churn-model\",\"wave\":2},\"readMore\":\"drover status r1\"}";
        Payloads.Split split = Payloads.split(payload);
        assertEquals("{\"name\":\"churn-model\",\"wave\":2}", split.own());
        assertEquals(JSON.readTree("{\"dataset\":\"users-v1\",\"columnMapping\":{\"name\":\"display_name\",\"country_id\":null},"
                + "\"readMore\":\"drover status r1\"}"), JSON.readTree(split.base()));
        Payloads payloads = new Payloads();
        payloads.base("r1", EventType.MIGRATED, split.base());
        assertEquals(JSON.readTree(payload), JSON.readTree(payloads.compose("r1", EventType.MIGRATED, split.own())));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> payloads.compose("r0", EventType.MIGRATED, split.own()));
    }
}
