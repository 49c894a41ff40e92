package dev.drover.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.model.WaveOutcome;
import dev.drover.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerWriterTest {
    @TempDir
    Path tmp;

    @Test
    void aTableIsCompactedEveryFewCommitsAndKeepsEveryRow() {
        SparkSession spark = SharedSpark.session();
        String state = tmp.toUri().toString();
        try (LedgerWriter writer = new LedgerWriter(spark, state, 5)) {
            for (int i = 0; i < 12; i++) {
                writer.append(LedgerTables.WAVE_RUNS, List.of(new WaveRunRecord("w1", "m" + i, "", WaveOutcome.PASSED, i, 0, 0, "",
                        Instant.now()))).join();   // one commit each
            }
        }
        Row detail = spark.sql("DESCRIBE DETAIL delta.`" + state + "/ledger/wave_runs`").first();
        long files = detail.getLong(detail.fieldIndex("numFiles"));
        assertTrue(files <= 3, "12 one-row commits compacted after the 5th and 10th: one file, and two since; got " + files);
        List<WaveRunRecord> rows = new LedgerReader(spark, state).waveRuns("w1");
        assertEquals(12, rows.size());
        assertEquals(11 * 12 / 2, rows.stream().mapToLong(WaveRunRecord::rowsWritten).sum());
        long operations = spark.sql("DESCRIBE HISTORY delta.`" + state + "/ledger/wave_runs`").where("operation = 'OPTIMIZE'").count();
        assertEquals(2, operations);
    }
}
