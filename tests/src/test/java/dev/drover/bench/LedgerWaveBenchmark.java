package dev.drover.bench;

import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.LedgerWriter;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.SpecChecksum;
import dev.drover.ledger.StageRecord;
import dev.drover.ledger.WaveRunRecord;
import dev.drover.model.BatchStatus;
import dev.drover.model.CheckKind;
import dev.drover.model.CheckResult;
import dev.drover.model.RunStatus;
import dev.drover.model.Stage;
import dev.drover.model.StageOutcome;
import dev.drover.model.WaveOutcome;
import dev.drover.spec.TargetMode;
import dev.drover.testing.SharedSpark;
import dev.drover.testing.TestFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.sql.SparkSession;

/**
 * The ledger's share of a wave, without the data: N migrations, C at a time, each making the
 * ledger calls a migration makes (its runs read at the start, the run and its plan committed and
 * waited for, the analyze records, the stage, check and schema records of the test, the deploy
 * stage, the run's end waited for, the wave's record of it), with {@code WORK} milliseconds of
 * sleep standing for the batches. Prints, per tenth of the wave, its wall time and the mean time
 * a migration spent in the start read and in the waits for its commits: whether the ledger's cost
 * grows with the ledger. {@code tests/bench/ledger-commits wave [N=1000] [C=8] [WORK=500]}
 */
public final class LedgerWaveBenchmark {
    private LedgerWaveBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        long work = args.length > 2 ? Long.parseLong(args[2]) : 500;
        Path root = Path.of(System.getProperty("drover.root", ".")).toAbsolutePath().normalize().resolve("tests/target/bench-ledger-wave");
        TestFiles.deleteTree(root);
        SparkSession spark = SharedSpark.session();
        String state = root.toUri().toString();
        try (LedgerWriter writer = new LedgerWriter(spark, state)) {
            LedgerReader reader = new LedgerReader(spark, state);
            ExecutorService threads = Executors.newFixedThreadPool(parallel);
            int tenth = Math.max(1, n / 10);
            LongAdder read = new LongAdder();
            LongAdder waited = new LongAdder();
            AtomicInteger done = new AtomicInteger();
            long[] mark = {System.nanoTime()};
            long begun = mark[0];
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                all.add(threads.submit(() -> {
                    migrate(new Ledger(writer, reader), id, work, read, waited);
                    int d = done.incrementAndGet();
                    if (d % tenth == 0) {
                        synchronized (mark) {
                            long now = System.nanoTime();
                            System.out.printf("migrations %5d-%5d: %6.1f s wall; a migration: start read %.2f s, commit waits %.2f s%n",
                                    d - tenth + 1, d, (now - mark[0]) / 1e9, read.sumThenReset() / 1e9 / tenth,
                                    waited.sumThenReset() / 1e9 / tenth);
                            mark[0] = now;
                        }
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            threads.shutdown();
            System.out.printf("%,d migrations, %d at a time, %d ms of work each: %.1f s; %d runs in the ledger%n", n, parallel, work,
                    (System.nanoTime() - begun) / 1e9, reader.runs().size());
        }
    }

    private static void migrate(Ledger ledger, int i, long work, LongAdder read, LongAdder waited) {
        String migration = "bench/m" + i;
        String runId = "run-" + i + "-" + java.util.UUID.randomUUID();
        long t = System.nanoTime();
        List<RunRecord> runs = ledger.read().runsOf(migration);
        read.add(System.nanoTime() - t);
        if (!runs.isEmpty()) {
            throw new IllegalStateException(migration + " has runs already");
        }
        Instant started = Instant.now();
        String plan = "{\"analyze\":{\"sourceVersion\":0,\"batches\":1,\"parallelBatches\":1,\"proof\":\"one-pass\"},"
                + "\"batches\":[{\"id\":0,\"predicate\":\"true\",\"estimatedRows\":1000}]}";
        RunRecord run = new RunRecord(runId, migration, "sha256:" + i, "src_" + i, "file:/bench/src_" + i, 0, "dst_" + i,
                "file:/bench/dst_" + i, TargetMode.NEW_TABLE, Optional.empty(), Optional.empty(), RunStatus.RUNNING, "", started,
                "bench", 1, plan);
        ledger.record(run);
        waited.add(timed(ledger::flush));
        BatchRecord batch = BatchRecord.planned(runId, 0, "true", 1000);
        ledger.recordChecksum(new SpecChecksum(migration, "sha256:" + i, "bench.conf", runId, Instant.now()));
        ledger.recordBatches(List.of(batch));
        ledger.record(stage(runId, Stage.ANALYZE, started));
        sleep(work);
        ledger.recordBatches(List.of(new BatchRecord(runId, 0, "true", 1000, BatchStatus.STAGED, 1000, 0, 0, 0, Optional.empty(),
                Instant.now(), "{\"target_rows\":1000}", "{\"add\":{\"path\":\"part-" + runId + ".parquet\",\"size\":12345}}", "", 1000)));
        ledger.record(stage(runId, Stage.TRANSFORM, started));
        ledger.record(stage(runId, Stage.TEST, started));
        List<CheckResult> checks = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            checks.add(new CheckResult(CheckKind.RECONCILIATION, "check " + c, true, false, "1000", "1000"));
        }
        ledger.recordChecks(runId, Stage.TEST, checks);
        ledger.record(stage(runId, Stage.DEPLOY, started));
        waited.add(timed(ledger::flush));
        ledger.record(run.with(RunStatus.SUCCEEDED, "", Optional.of(1L)));
        waited.add(timed(ledger::flush));
        ledger.recordWaveRun(new WaveRunRecord("bench-wave", migration, runId, WaveOutcome.PASSED, 1000, 0, 1, "", Instant.now()));
    }

    private static StageRecord stage(String runId, Stage stage, Instant started) {
        return new StageRecord(runId, stage, started, Optional.of(Instant.now()), StageOutcome.SUCCEEDED, "", "", "", "{}", Instant.now());
    }

    private static long timed(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return System.nanoTime() - t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
