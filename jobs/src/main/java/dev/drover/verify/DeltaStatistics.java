package dev.drover.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.catalog.ColumnSpec;
import dev.drover.delta.DeltaTables;
import dev.drover.delta.StagedFiles;
import dev.drover.model.BatchStatus;
import dev.drover.ledger.BatchRecord;
import dev.drover.measure.MetricPlan;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.model.Stage;
import dev.drover.plan.MigrationPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The statistics Delta's writer recorded for the files a run's batches staged, read from the
 * batches' records on the driver (no data read), against what the batch writes observed on the rows they
 * handed to Delta: each batch's record count, the null count of each column declared non-null
 * (where Delta collected it: the first 32 columns by default; partition columns from the files'
 * partition values), and the least and greatest value of the integral, decimal and date columns
 * it collected. A mismatch means the files do not hold what was written.
 */
public final class DeltaStatistics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeltaStatistics() {}

    public static CheckResult check(DeltaTables delta, MigrationPlan plan, String runId, Optional<Long> snapshot,
                             List<BatchRecord> batches, Metrics observed) {
        Map<Integer, Long> rows = new HashMap<>();
        Map<String, Long> nulls = new HashMap<>();
        Set<String> notCollected = new HashSet<>();
        List<String> nonNull = plan.target().schema().stream().filter(c -> !c.nullable()).map(ColumnSpec::name).toList();
        List<String> ranged = MetricPlan.statsRanged(plan);
        Map<String, BigDecimal> least = new HashMap<>();
        Map<String, BigDecimal> greatest = new HashMap<>();
        int files = 0;
        int withoutStats = 0;
        for (Map.Entry<Integer, List<DeltaTables.AddedFile>> batch : filesByBatch(delta, plan, runId, snapshot, batches).entrySet()) {
            for (DeltaTables.AddedFile file : batch.getValue()) {
                files++;
                JsonNode stats = parse(file.stats());
                if (stats == null || !stats.has("numRecords")) {
                    withoutStats++;
                    continue;
                }
                long records = stats.get("numRecords").asLong();
                rows.merge(batch.getKey(), records, Long::sum);
                for (String c : ranged) {
                    JsonNode low = stats.path("minValues").get(c);
                    JsonNode high = stats.path("maxValues").get(c);
                    if (low == null || high == null || low.isNull() || high.isNull()) {
                        // no range: every value null, or not collected (then the null count says which)
                        JsonNode n = stats.path("nullCount").get(c);
                        if (n == null || n.asLong() != records) {
                            notCollected.add(c);
                        }
                        continue;
                    }
                    boolean date = plan.targetSchema().apply(c).dataType() instanceof org.apache.spark.sql.types.DateType;
                    least.merge(c, value(low, date), BigDecimal::min);
                    greatest.merge(c, value(high, date), BigDecimal::max);
                }
                for (String c : nonNull) {
                    if (plan.target().partitionedBy().contains(c)) {
                        nulls.merge(c, file.partitionValues().get(c) == null ? records : 0L, Long::sum);
                        continue;
                    }
                    JsonNode n = stats.path("nullCount").get(c);
                    if (n == null || !n.isNumber()) {
                        notCollected.add(c);
                    } else {
                        nulls.merge(c, n.asLong(), Long::sum);
                    }
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        if (withoutStats == 0) {
            for (BatchRecord b : batches) {
                long written = b.metricsValues().count(MetricKey.TARGET_ROWS);
                long recorded = rows.getOrDefault(b.batchId(), 0L);
                if (written != recorded) {
                    wrong.add("batch " + b.batchId() + ": " + recorded + " records in its files, " + written + " rows written");
                }
            }
            for (String c : nonNull) {
                if (!notCollected.contains(c) && nulls.getOrDefault(c, 0L) != observed.count(MetricKey.targetNulls(c))) {
                    wrong.add(c + ": " + nulls.getOrDefault(c, 0L) + " nulls in its files, " + observed.count(MetricKey.targetNulls(c)) + " written");
                }
            }
            for (String c : ranged) {
                if (notCollected.contains(c)) {
                    continue;
                }
                String low = range(least.get(c), observed.value(MetricKey.rangeMin(c)));
                String high = range(greatest.get(c), observed.value(MetricKey.rangeMax(c)));
                if (low != null || high != null) {
                    wrong.add(c + ": " + (low != null ? "least value " + low : "") + (low != null && high != null ? ", " : "")
                            + (high != null ? "greatest value " + high : ""));
                }
            }
        }
        long compared = nonNull.stream().filter(c -> !notCollected.contains(c)).count();
        long rangesCompared = ranged.stream().filter(c -> !notCollected.contains(c)).count();
        String observedText = withoutStats > 0 ? withoutStats + " of " + files + " files have no statistics: nothing to compare"
                : !wrong.isEmpty() ? String.join("; ", wrong)
                : "match: record counts of " + batches.size() + " batches in " + files + " files"
                        + (compared == 0 ? "" : ", null counts of " + compared + " non-null column(s)")
                        + (rangesCompared == 0 ? "" : ", value ranges of " + rangesCompared + " column(s)");
        return CheckResult.of(CheckKind.RECONCILIATION, "Delta file statistics match the rows written", wrong.isEmpty(),
                "the records, nulls of non-null columns and value ranges Delta recorded for the written files equal those written",
                observedText);
    }

    /**
     * Each batch's data files with their statistics: as its record names them (staged), or, for a
     * batch of a ledger from before staging, as its own commit in the target's log added them.
     */
    private static Map<Integer, List<DeltaTables.AddedFile>> filesByBatch(DeltaTables delta, MigrationPlan plan, String runId,
                                                                           Optional<Long> snapshot, List<BatchRecord> batches) {
        Map<Integer, List<DeltaTables.AddedFile>> out = new java.util.TreeMap<>();
        for (BatchRecord b : batches) {
            if (b.status() == BatchStatus.STAGED) {
                out.put(b.batchId(), StagedFiles.adds(b.targetFiles()).stream().map(a -> new DeltaTables.AddedFile(a.path(),
                        scala.collection.JavaConverters.mapAsJavaMap(a.partitionValues()), a.stats())).toList());
            }
        }
        if (batches.stream().anyMatch(b -> b.status() == BatchStatus.COMMITTED)) {
            for (DeltaTables.Change change : delta.changes(plan.targetLocation(), snapshot.orElse(-1L))) {
                var tag = change.tag();
                if (tag.isPresent() && tag.get().run().equals(runId) && tag.get().stage() == Stage.TRANSFORM && tag.get().batch() != null) {
                    out.computeIfAbsent(tag.get().batch(), k -> new ArrayList<>()).addAll(change.added());
                }
            }
        }
        return out;
    }

    /** A statistics value as a number: dates as days since 1970-01-01, as the writes observe them. */
    private static BigDecimal value(JsonNode node, boolean date) {
        return date ? BigDecimal.valueOf(java.time.LocalDate.parse(node.asText()).toEpochDay()) : new BigDecimal(node.asText());
    }

    /** Null when Delta's and the observed value agree, else "X in its files, Y written". */
    private static String range(BigDecimal recorded, BigDecimal written) {
        boolean same = recorded == null ? written == null : written != null && recorded.compareTo(written) == 0;
        return same ? null : (recorded == null ? "none" : recorded.toPlainString()) + " in its files, "
                + (written == null ? "none" : written.toPlainString()) + " written";
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
}
