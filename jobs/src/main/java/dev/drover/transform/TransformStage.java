package dev.drover.transform;

import static java.util.Objects.requireNonNull;

import dev.drover.common.Messages;
import dev.drover.config.DroverConfig;
import dev.drover.delta.StagedFiles;
import dev.drover.error.DroverError;
import dev.drover.exec.KillPoints;
import dev.drover.exec.MigrationScope;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.QuarantineCount;
import dev.drover.measure.MetricPlan;
import dev.drover.model.MetricKey;
import dev.drover.model.Metrics;
import dev.drover.model.Quota;
import dev.drover.plan.MigrationPlan;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.Path;

/**
 * The transform stage: writes every batch the ledger has not recorded, at most {@code parallel}
 * at once on the application's shared executor, each batch one Spark job whose data files are
 * staged under the target's location (no commit: readers see none of them) and recorded in the
 * ledger with the batch. A batch whose Spark job fails is tried again; files of a try or a killed
 * process that no record names are removed when the run resumes and when the stage ends. A row
 * a step cannot transform is not a failure: it goes to the quarantine table's staged files.
 */
public final class TransformStage {
    /** The run's written batches (in id order) and their totals. */
    public record Outcome(List<BatchRecord> written, long rowsWritten, long rowsQuarantined, long rowsRetried,
                          long rowsRecovered) {
        public Outcome {
            written = List.copyOf(written);
        }

        public static Outcome of(List<BatchRecord> written) {
            List<BatchRecord> sorted = written.stream().sorted(Comparator.comparingInt(BatchRecord::batchId)).toList();
            return new Outcome(sorted, sum(sorted, BatchRecord::rowsWritten), sum(sorted, BatchRecord::rowsQuarantined),
                    sum(sorted, BatchRecord::rowsRetried), sum(sorted, BatchRecord::rowsRecovered));
        }

        private static long sum(List<BatchRecord> batches, java.util.function.ToLongFunction<BatchRecord> f) {
            return batches.stream().mapToLong(f).sum();
        }

        /** The source-side metrics of the run: its batches' observed metrics combined. */
        public Metrics metrics() {
            Metrics combined = Metrics.EMPTY;
            for (BatchRecord b : written) {
                combined = combined.plus(b.metricsValues());
            }
            return combined;
        }

        /** Every staged data file of the target, over all batches. */
        public List<String> targetFiles() {
            return written.stream().flatMap(b -> b.targetFiles().stream()).toList();
        }

        /** Every staged data file of the quarantine table, over all batches. */
        public List<String> quarantinedFiles() {
            return written.stream().flatMap(b -> b.quarantinedFiles().stream()).toList();
        }
    }

    /**
     * How the run's files are laid out, fixed once per run and used by every step that touches
     * them (the writes, the audit's read, the publish): the target's schema, partitioning and
     * properties, and the quarantine table's.
     */
    public record Layouts(StagedFiles.Layout target, StagedFiles.Layout quarantine) {
        public static Layouts of(org.apache.spark.sql.SparkSession spark, MigrationPlan plan) {
            return new Layouts(StagedFiles.Layout.of(spark, plan.targetLocation(), plan.targetSchema(), plan.target().partitionedBy()),
                    dev.drover.quarantine.QuarantineTable.layout(spark, plan.quarantineLocation()));
        }
    }

    private final MigrationScope scope;
    private final DroverConfig config;
    private final Ledger ledger;

    public TransformStage(MigrationScope scope, DroverConfig config, Ledger ledger) {
        this.scope = requireNonNull(scope, "scope is null");
        this.config = requireNonNull(config, "config is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
    }

    /**
     * Partitions of each batch's jobs, 0 for as many as the source has: one for a source the log
     * counts below {@code smallRows} (a small dataset's fixed costs are per task and per file), else
     * as the quota allows.
     */
    static int partitionsPerBatch(MigrationPlan plan, Quota quota, int parallel, long smallRows) {
        if (plan.sourceRecords() >= 0 && plan.sourceRecords() < smallRows) {
            return 1;
        }
        return quota.partitionsPerBatch(parallel);
    }

    /**
     * Writes the batches not written yet, at most {@code parallel} at once (fixed when the run
     * started). {@code resumed}: a killed process may have left files no record names; they go first.
     */
    public Outcome run(MetricPlan metrics, Layouts layouts, List<BatchRecord> batches, boolean resumed, int parallel) {
        MigrationPlan plan = metrics.plan();
        Quota quota = plan.spec().quota().resolve(config.wave().quota());
        BatchWriter writer = new BatchWriter(plan, metrics, layouts, scope, config.stateDir() + "/staging",
                partitionsPerBatch(plan, quota, parallel, config.batchSmallRows()));
        Progress progress = new Progress(scope.out(), config.progress());
        List<BatchRecord> written = new ArrayList<>();
        List<BatchRecord> todo = new ArrayList<>();
        for (BatchRecord batch : batches) {
            if (batch.isWritten()) {
                written.add(batch);
                progress.batch(written.size(), batches.size(), 0);
            } else {
                todo.add(batch);
            }
        }
        if (resumed) {
            removeUnrecorded(plan, Outcome.of(written));
        }
        long started = System.nanoTime();
        scope.backlog().addBatches(todo.size());
        int done = 0;
        try {
            CompletionService<BatchRecord> finishing = new ExecutorCompletionService<>(scope.executor());
            List<Future<BatchRecord>> running = new ArrayList<>();
            RuntimeException failure = null;
            int next = 0;
            while (next < todo.size() || !running.isEmpty()) {
                while (failure == null && next < todo.size() && running.size() < Math.max(1, parallel)) {
                    BatchRecord batch = todo.get(next++);
                    running.add(finishing.submit(() -> writeAndRecord(writer, batch, resumed)));
                }
                if (running.isEmpty()) {
                    break;
                }
                Future<BatchRecord> finished = take(finishing);
                running.remove(finished);
                try {
                    BatchRecord record = finished.get();
                    written.add(record);
                    done++;
                    scope.backlog().batchesDone(1);
                    progress.batch(written.size(), batches.size(), record.rowsWritten() + record.rowsQuarantined());
                } catch (ExecutionException e) {
                    // let the batches in flight finish (they are recorded and kept for a resume), start no more
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while writing batches", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            if (writer.staging() != null) {
                removeStaging(writer.staging());
            }
        } finally {
            scope.backlog().batchesDone(todo.size() - done);
            scope.timings().add("batch writes", (System.nanoTime() - started) / 1e9);
        }
        Outcome outcome = Outcome.of(written);
        removeUnrecorded(plan, outcome);
        return outcome;
    }

    /** Files in the run's folders of the target and the quarantine table that no batch record names (a failed try, a kill). */
    private void removeUnrecorded(MigrationPlan plan, Outcome recorded) {
        StagedFiles files = new StagedFiles(scope.spark());
        int removed = files.removeUnrecorded(plan.targetLocation(), scope.runId(), recorded.targetFiles())
                + files.removeUnrecorded(plan.quarantineLocation(), scope.runId(), recorded.quarantinedFiles());
        if (removed > 0) {
            scope.out().printf("run %s: removed %d staged file(s) no batch record names (an earlier try or process wrote them)%n",
                    scope.runId(), removed);
        }
    }

    /** The per-row steps' staged results are in the batches' files now: they go. */
    private void removeStaging(String location) {
        try {
            Path path = new Path(location);
            path.getFileSystem(scope.spark().sparkContext().hadoopConfiguration()).delete(path, true);
        } catch (IOException e) {
            scope.out().printf("run %s: could not remove the staged batches at %s: %s%n", scope.runId(), location, e.getMessage());
        }
    }

    private static Future<BatchRecord> take(CompletionService<BatchRecord> done) {
        try {
            return done.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing batches", e);
        }
    }

    private BatchRecord writeAndRecord(BatchWriter writer, BatchRecord batch, boolean resumed) {
        KillPoints.reached("batch-writing:" + batch.batchId(), scope.migration());
        BatchRecord staged = writeWithRetries(writer, batch, resumed);
        KillPoints.reached("batch-written:" + batch.batchId(), scope.migration());
        ledger.recordBatches(List.of(staged));
        Metrics m = staged.metricsValues();
        Instant now = Instant.now();
        List<QuarantineCount> counts = new ArrayList<>();
        m.values().keySet().forEach(k -> MetricKey.failedStep(k).ifPresent(step -> {
            long n = m.count(MetricKey.failedBy(step));
            if (n > 0) {
                counts.add(new QuarantineCount(scope.runId(), batch.batchId(), step, n, now));
            }
        }));
        ledger.recordQuarantine(counts);
        return staged;
    }

    private BatchRecord writeWithRetries(BatchWriter writer, BatchRecord batch, boolean resumed) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            try {
                return writer.write(batch, resumed || attempt > 1);
            } catch (DroverError e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
                scope.out().printf("batch %d attempt %d of %d failed: %s%n", batch.batchId(), attempt, config.maxAttempts(),
                        Messages.firstLine(e.getMessage()));
            }
        }
        throw last;
    }
}
