package dev.drover.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.delta.DeltaTables;
import dev.drover.ledger.BatchRecord;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.Metrics;
import dev.drover.model.Stage;
import dev.drover.plan.MigrationPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The statistics Delta recorded for the files a run's batches committed, read from the target's
 * log on the driver (no data read), against what the batch writes observed on the rows they
 * handed to Delta: each batch's record count, and per column its null count and least and
 * greatest value (numbers and dates), where Delta collected them (the first 32 columns by
 * default; partition columns from the files' partition values). A mismatch means the files do
 * not hold what was written.
 */
final class DeltaStatistics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeltaStatistics() {}

    static CheckResult check(DeltaTables delta, MigrationPlan plan, String runId, Optional<Long> snapshot,
                             List<BatchRecord> batches, Metrics observed, List<String> rangeColumns) {
        Map<Integer, Long> rows = new HashMap<>();
        Map<String, Long> nulls = new HashMap<>();
        Map<String, BigDecimal> least = new HashMap<>();
        Map<String, BigDecimal> greatest = new HashMap<>();
        Set<String> incomplete = new HashSet<>();
        int files = 0;
        int withoutStats = 0;
        List<String> partitionColumns = plan.target().partitionedBy();
        for (DeltaTables.Change change : delta.changes(plan.targetLocation(), snapshot.orElse(-1L))) {
            var tag = change.tag();
            if (tag.isEmpty() || !tag.get().run().equals(runId) || tag.get().stage() != Stage.TRANSFORM || tag.get().batch() == null) {
                continue;
            }
            for (DeltaTables.AddedFile file : change.added()) {
                files++;
                JsonNode stats = parse(file.stats());
                if (stats == null || !stats.has("numRecords")) {
                    withoutStats++;
                    incomplete.add("*");
                    continue;
                }
                long records = stats.get("numRecords").asLong();
                rows.merge(tag.get().batch(), records, Long::sum);
                for (StructField f : plan.targetSchema().fields()) {
                    String c = f.name();
                    if (partitionColumns.contains(c)) {
                        String value = file.partitionValues().get(c);
                        nulls.merge(c, value == null ? records : 0L, Long::sum);
                        if (value != null && rangeColumns.contains(c) && records > 0) {
                            BigDecimal v = number(value, f.dataType());
                            least.merge(c, v, BigDecimal::min);
                            greatest.merge(c, v, BigDecimal::max);
                        }
                        continue;
                    }
                    JsonNode n = stats.path("nullCount").get(c);
                    if (n == null || !n.isNumber()) {
                        incomplete.add(c);
                        continue;
                    }
                    nulls.merge(c, n.asLong(), Long::sum);
                    if (rangeColumns.contains(c) && n.asLong() < records) {
                        JsonNode lo = stats.path("minValues").get(c);
                        JsonNode hi = stats.path("maxValues").get(c);
                        if (lo == null || hi == null || lo.isNull() || hi.isNull()) {
                            incomplete.add(c + ":range");
                            continue;
                        }
                        least.merge(c, number(lo.asText(), f.dataType()), BigDecimal::min);
                        greatest.merge(c, number(hi.asText(), f.dataType()), BigDecimal::max);
                    }
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        if (withoutStats == 0) {
            for (BatchRecord b : batches) {
                long written = b.metricsValues().count(Metrics.TARGET_ROWS);
                long recorded = rows.getOrDefault(b.batchId(), 0L);
                if (written != recorded) {
                    wrong.add("batch " + b.batchId() + ": " + recorded + " records in its files, " + written + " rows written");
                }
            }
        }
        int compared = 0;
        for (StructField f : plan.targetSchema().fields()) {
            String c = f.name();
            if (incomplete.contains("*") || incomplete.contains(c)) {
                continue;
            }
            compared++;
            long expected = observed.count("target:nulls:" + c);
            if (nulls.getOrDefault(c, 0L) != expected) {
                wrong.add(c + ": " + nulls.getOrDefault(c, 0L) + " nulls in its files, " + expected + " written");
            }
            if (rangeColumns.contains(c) && !incomplete.contains(c + ":range")) {
                compare(wrong, c, "least", least.get(c), observed.get("min:target:" + c));
                compare(wrong, c, "greatest", greatest.get(c), observed.get("max:target:" + c));
            }
        }
        String what = files + " files: record counts" + (compared == 0 ? "" : ", nulls of " + compared + " columns, ranges of "
                + rangeColumns.stream().filter(c -> !incomplete.contains("*") && !incomplete.contains(c) && !incomplete.contains(c + ":range")).count()
                + " columns");
        String observedText = withoutStats > 0 ? withoutStats + " of " + files + " files have no statistics; compared the rest"
                : wrong.isEmpty() ? "match (" + what + ")" : String.join("; ", wrong);
        return CheckResult.of(CheckKind.RECONCILIATION, "Delta file statistics match the rows written", wrong.isEmpty(),
                "the records, nulls and value ranges Delta recorded for the committed files equal those observed while writing",
                observedText);
    }

    private static void compare(List<String> wrong, String column, String which, BigDecimal inFiles, BigDecimal written) {
        boolean same = inFiles == null ? written == null : written != null && inFiles.compareTo(written) == 0;
        if (!same) {
            wrong.add(column + ": " + which + " value " + plain(inFiles) + " in its files, " + plain(written) + " written");
        }
    }

    /** A statistic or partition value as a number: dates as days since 1970, as the writes observe them. */
    private static BigDecimal number(String text, DataType type) {
        if (type.equals(DataTypes.DateType)) {
            return BigDecimal.valueOf(LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text).toEpochDay());
        }
        return new BigDecimal(text);
    }

    private static JsonNode parse(String stats) {
        if (stats == null || stats.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(stats);
        } catch (IOException e) {
            throw new UncheckedIOException("a Delta file's statistics are not JSON: " + stats, e);
        }
    }

    private static String plain(BigDecimal v) {
        return v == null ? "none" : v.stripTrailingZeros().toPlainString();
    }
}
