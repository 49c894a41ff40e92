package dev.drover.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.config.NotifySettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"drover\" password=\"s3cr3t-XYZ\";";

    private static NotifySettings settings(Map<String, String> kafka) {
        return new NotifySettings("127.0.0.1:1", "t", "acks", "dev.drover.dataset", Duration.ofDays(30), Duration.ofHours(1),
                "", Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(10), kafka);
    }

    @Test
    void secretValuesAreRedactedFromTextAndDisplayButPassedToTheClient() {
        NotifySettings s = settings(Map.of("sasl.jaas.config", JAAS, "ssl.key.password", "kp-123", "security.protocol", "SASL_SSL"));
        String error = "login failed for " + JAAS + " with key kp-123";
        String redacted = s.redact(error);
        assertFalse(redacted.contains("s3cr3t-XYZ"), redacted);
        assertFalse(redacted.contains("kp-123"), redacted);
        assertTrue(redacted.startsWith("login failed for ***"), redacted);
        assertEquals("***", s.kafkaForDisplay().get("sasl.jaas.config"));
        assertEquals("SASL_SSL", s.kafkaForDisplay().get("security.protocol"));
        // A password embedded in text we were not told about is still cut out.
        assertEquals("password=*** rest", s.redact("password=other rest"));
        Map<String, Object> client = Publisher.config(s);
        assertEquals(JAAS, client.get("sasl.jaas.config"));
        assertEquals("all", client.get("acks"));
        assertEquals(true, client.get("enable.idempotence"));
    }
}
