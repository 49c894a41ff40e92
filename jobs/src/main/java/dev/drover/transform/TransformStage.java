package dev.drover.transform;

import static java.util.Objects.requireNonNull;

import dev.drover.common.Messages;
import dev.drover.config.DroverConfig;
import dev.drover.delta.DeltaTables;
import dev.drover.error.DroverError;
import dev.drover.exec.KillPoints;
import dev.drover.exec.MigrationScope;
import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.QuarantineCount;
import dev.drover.measure.MetricPlan;
import dev.drover.model.Metrics;
import dev.drover.model.Quota;
import dev.drover.plan.MigrationPlan;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;

/**
 * The transform stage: writes every batch the ledger has not seen committed, at most
 * {@code parallel} at once on the application's shared executor, each batch one Spark job and
 * one idempotent Delta commit, recorded in the ledger as it commits. A batch whose Spark job
 * fails is tried again (every write is idempotent); a row a step cannot transform is not a
 * failure: it goes to the quarantine table.
 */
public final class TransformStage {
    /** The run's committed batches (in id order) and their totals. */
    public record Outcome(List<BatchRecord> committed, long rowsWritten, long rowsQuarantined, long rowsRetried,
                          long rowsRecovered) {
        public Outcome {
            committed = List.copyOf(committed);
        }

        public static Outcome of(List<BatchRecord> committed) {
            List<BatchRecord> sorted = committed.stream().sorted(Comparator.comparingInt(BatchRecord::batchId)).toList();
            return new Outcome(sorted, sum(sorted, BatchRecord::rowsWritten), sum(sorted, BatchRecord::rowsQuarantined),
                    sum(sorted, BatchRecord::rowsRetried), sum(sorted, BatchRecord::rowsRecovered));
        }

        private static long sum(List<BatchRecord> batches, java.util.function.ToLongFunction<BatchRecord> f) {
            return batches.stream().mapToLong(f).sum();
        }

        /** The source-side metrics of the run: its batches' observed metrics combined. */
        public Metrics metrics() {
            Metrics combined = Metrics.EMPTY;
            for (BatchRecord b : committed) {
                combined = combined.plus(b.metricsValues());
            }
            return combined;
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

    /** The idempotent-write app id of a run's batch, as Delta keeps it. */
    public static String appId(String runId, int batchId) {
        return BatchWriter.appId(runId, batchId);
    }

    /** The batches of a run whose commits Delta holds, whatever the ledger says. */
    public static Set<Integer> committedInDelta(DeltaTables delta, MigrationPlan plan, String runId, List<BatchRecord> batches) {
        Set<String> apps = delta.committedAppIds(plan.targetLocation()).keySet();
        return batches.stream().map(BatchRecord::batchId).filter(id -> apps.contains(appId(runId, id))).collect(Collectors.toSet());
    }

    /**
     * Writes the batches not committed yet. {@code parallel} above 1 (fixed when the run started)
     * means the target was, or is now, emptied in a commit of its own and every batch appends.
     */
    public Outcome run(MetricPlan metrics, List<BatchRecord> batches, boolean resumed, int parallel) {
        MigrationPlan plan = metrics.plan();
        Quota quota = plan.spec().quota().resolve(config.wave().quota());
        BatchWriter writer = new BatchWriter(plan, metrics, scope, config.stateDir() + "/staging", quota.partitionsPerBatch(parallel));
        Progress progress = new Progress(scope.out(), config.progress());
        List<BatchRecord> committed = new ArrayList<>();
        List<BatchRecord> todo = new ArrayList<>();
        for (BatchRecord batch : batches) {
            if (batch.isCommitted()) {
                committed.add(batch);
                progress.batch(committed.size(), batches.size(), 0);
            } else {
                todo.add(batch);
            }
        }
        long started = System.nanoTime();
        scope.backlog().addBatches(todo.size());
        int written = 0;
        try {
            if (parallel > 1) {
                writer.reset(resumed);
            }
            int firstId = batches.isEmpty() ? -1 : batches.get(0).batchId();
            CompletionService<BatchRecord> done = new ExecutorCompletionService<>(scope.executor());
            List<Future<BatchRecord>> running = new ArrayList<>();
            RuntimeException failure = null;
            int next = 0;
            while (next < todo.size() || !running.isEmpty()) {
                while (failure == null && next < todo.size() && running.size() < Math.max(1, parallel)) {
                    BatchRecord batch = todo.get(next++);
                    boolean first = parallel == 1 && batch.batchId() == firstId;
                    running.add(done.submit(() -> writeAndRecord(writer, plan, batch, first, resumed)));
                }
                if (running.isEmpty()) {
                    break;
                }
                Future<BatchRecord> finished = take(done);
                running.remove(finished);
                try {
                    BatchRecord record = finished.get();
                    committed.add(record);
                    written++;
                    scope.backlog().batchesDone(1);
                    progress.batch(committed.size(), batches.size(), record.rowsWritten() + record.rowsQuarantined());
                } catch (ExecutionException e) {
                    // let the batches in flight finish (their commits are idempotent), start no more
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
            scope.backlog().batchesDone(todo.size() - written);
            scope.timings().add("batch writes", (System.nanoTime() - started) / 1e9);
        }
        return Outcome.of(committed);
    }

    /** The staged batches are in the target and the quarantine now: their copies go. */
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

    private BatchRecord writeAndRecord(BatchWriter writer, MigrationPlan plan, BatchRecord batch, boolean first, boolean resumed) {
        KillPoints.reached("batch-writing:" + batch.batchId());
        BatchRecord committed = writeWithRetries(writer, batch, first, resumed);
        KillPoints.reached("batch-committed:" + batch.batchId());
        ledger.recordBatches(List.of(committed));
        Metrics m = committed.metricsValues();
        Instant now = Instant.now();
        List<QuarantineCount> counts = new ArrayList<>();
        m.values().keySet().stream().filter(k -> k.startsWith(Metrics.FAILED_BY)).forEach(k -> {
            long n = m.count(k);
            if (n > 0) {
                counts.add(new QuarantineCount(scope.runId(), batch.batchId(), k.substring(Metrics.FAILED_BY.length()), n, now));
            }
        });
        ledger.recordQuarantine(counts);
        return committed;
    }

    private BatchRecord writeWithRetries(BatchWriter writer, BatchRecord batch, boolean first, boolean resumed) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            try {
                // after a failed attempt the batch may have committed before the failure surfaced
                return writer.write(batch, first, resumed || attempt > 1);
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
