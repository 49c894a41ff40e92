package dev.drover.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.model.CheckResult;
import java.util.List;
import java.util.Map;

/**
 * What a stage records about itself in the ledger's {@code stages.detail} column, one record
 * type per stage, stored as JSON (documented field by field in docs/json-output.md).
 */
public sealed interface StageDetail {
    ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Analyze: the pinned versions, the batches, how many run at once, and how the test stage
     * will prove the data ({@code proof}: one-pass, or read-back with the reason).
     */
    record Analyze(long sourceVersion, Long snapshotVersion, int batches, int parallelBatches, Map<String, Long> lookups,
                   String proof) implements StageDetail {
        public Analyze {
            lookups = lookups == null ? Map.of() : Map.copyOf(lookups);
        }
    }

    /** Transform: rows written and quarantined, rows a per-row step retried and recovered, whether the run resumed. */
    record Transform(long rowsWritten, long rowsQuarantined, long rowsRetried, long rowsRecovered, boolean resumed)
            implements StageDetail {}

    /** Test (and validate): how the data was proven, every check, or the error that stopped the stage. */
    record Test(String proof, List<Check> checks, String error) implements StageDetail {
        public Test {
            checks = checks == null ? List.of() : List.copyOf(checks);
            error = error == null ? "" : error;
        }

        public static Test of(String proof, List<CheckResult> results) {
            return new Test(proof, results.stream().map(Check::of).toList(), "");
        }
    }

    /** One check as the test stage's detail lists it. */
    record Check(String kind, String check, boolean passed, boolean warning, String expected, String observed) {
        static Check of(CheckResult c) {
            return new Check(c.kind().label(), c.name(), c.passed(), c.warning(), c.expected(), c.observed());
        }
    }

    /** Deploy: the target version published and the consumers given an event. */
    record Deploy(long targetVersion, int events, List<String> consumers) implements StageDetail {
        public Deploy {
            consumers = consumers == null ? List.of() : List.copyOf(consumers);
        }
    }

    default String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stage detail does not serialise: " + this, e);
        }
    }

    static <T extends StageDetail> T parse(String json, Class<T> type, String runId) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ledger stage detail of run " + runId + " is not a " + type.getSimpleName() + ": " + json, e);
        }
    }
}
