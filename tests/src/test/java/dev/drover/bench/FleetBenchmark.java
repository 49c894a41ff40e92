package dev.drover.bench;

import dev.drover.api.Drover;
import dev.drover.config.DroverConfig;
import dev.drover.e2e.FleetFixture;
import dev.drover.testing.SharedSpark;
import dev.drover.testing.TestFiles;
import dev.drover.wave.WaveResult;
import dev.drover.wave.WaveSelection;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The fleet benchmarks, each from one run on this machine:
 * <ul>
 *   <li>P2: a wave of N small generated datasets in one application (one process) against one
 *       {@code drover migrate} process per dataset, timed on a sample and scaled: seconds per
 *       dataset and the ratio, and the wave process's heap per quarter of its run (its GC log); the
 *       generated sources are reused by the next run of the same size;</li>
 *   <li>P7: the driver's heap after a wave (of ten migrations) with a catalog of N datasets
 *       loaded (N/2 generated pairs, each with a consumer and a migration spec), one fresh JVM
 *       per N, to show how it grows.</li>
 * </ul>
 * {@code tests/bench/fleet p2 [N=1000] [ROWS=10000] [SAMPLE=10] [PARALLEL=4]},
 * {@code tests/bench/fleet sources [N] [ROWS] [SAMPLE]} (P2's sources only, for a later p2 of the same size),
 * {@code tests/bench/fleet p7 [N,N,...=1000,10000]}. With {@code BENCH_OPTS=-Dbench.wave.jfr=FILE}, the
 * wave's process records a JFR profile to FILE.
 */
public final class FleetBenchmark {
    private FleetBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("drover.root", ".")).toAbsolutePath().normalize();
        Path work = root.resolve("tests/target/bench-fleet");
        switch (args.length > 0 ? args[0] : "p2") {
            case "p2" -> p2(root, work.resolve("p2"), arg(args, 1, 1000), arg(args, 2, 10_000), arg(args, 3, 10), arg(args, 4, 4));
            case "sources" -> sources(work.resolve("p2"), arg(args, 1, 1000) + arg(args, 3, 10), arg(args, 2, 10_000));
            case "p7" -> p7(root, work.resolve("p7"), args.length > 1 ? args[1] : "1000,10000");
            case "p7-one" -> p7One(work.resolve("p7-" + args[1]), Integer.parseInt(args[1]) / 2);
            case "codegen" -> codegen(work.resolve("codegen"), arg(args, 1, 10), arg(args, 2, 10_000));
            default -> throw new IllegalArgumentException("expected p2, sources, p7 or codegen, got " + args[0]);
        }
    }

    private static int arg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }

    static void p2(Path root, Path dir, int n, int rows, int sample, int parallel) throws Exception {
        FleetFixture fleet = sources(dir, n + sample, rows);
        Path list = dir.resolve("wave.txt");
        Files.writeString(list, String.join("\n", IntStream.rangeClosed(1, n).mapToObj(FleetFixture::id).toList()) + "\n");

        // one process per dataset, as a user without waves runs them: the sample after the wave's datasets
        List<Double> each = new ArrayList<>();
        for (int i = n + 1; i <= n + sample; i++) {
            List<String> command = new ArrayList<>(List.of("dev.drover.cli.DroverCli"));
            command.addAll(fleet.options());
            command.addAll(List.of("migrate", FleetFixture.id(i)));
            double took = MigrationBenchmark.process(root, command).seconds();
            each.add(took);
            System.out.printf("  process %s: %.1f s%n", FleetFixture.id(i), took);
        }
        double perProcess = each.stream().mapToDouble(Double::doubleValue).average().orElseThrow();

        // the wave: one process for all n
        List<String> command = new ArrayList<>(List.of("dev.drover.cli.DroverCli"));
        command.addAll(fleet.options());
        command.addAll(List.of("wave", "--list", list.toString(), "--parallel", String.valueOf(parallel), "--timings"));
        String jfr = System.getProperty("bench.wave.jfr");   // -Dbench.wave.jfr=FILE: a profile of the wave's process
        if (jfr != null) {
            command.add(0, "-XX:StartFlightRecording:filename=" + Path.of(jfr).toAbsolutePath() + ",settings=profile");
        }
        Path gcLog = dir.resolve("wave-gc.log");   // the heap after each collection, to see whether it stays flat
        Files.deleteIfExists(gcLog);
        command.add(0, "-Xlog:gc:file=" + gcLog);
        MigrationBenchmark.Ran wave = MigrationBenchmark.process(root, command);
        List<Double> inWave = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("passed \\(run [^,]+, [0-9,]+ rows, ([0-9.]+) s\\)").matcher(wave.output());
        while (m.find()) {
            inWave.add(Double.parseDouble(m.group(1)));
        }
        if (inWave.size() != n) {
            throw new IllegalStateException("expected " + n + " migrations passed in the wave, saw " + inWave.size() + ":\n" + wave.output());
        }
        double perDataset = wave.seconds() / n;
        inWave.sort(Double::compare);
        System.out.printf("P2: a wave of %d datasets of %,d rows, %d at once, in one process: %.1f s, %.2f s per dataset (target <= 0.5)%n",
                n, rows, parallel, wave.seconds(), perDataset);
        System.out.printf("    one process per dataset (mean of %d): %.1f s; %d datasets that way: %.0f s; ratio %.1fx (target >= 20)%n",
                sample, perProcess, n, perProcess * n, perProcess / perDataset);
        System.out.printf("    in the wave a migration took %.1f s (median; %.1f-%.1f s), %.1f at once on average%n",
                inWave.get(inWave.size() / 2), inWave.get(0), inWave.get(inWave.size() - 1),
                inWave.stream().mapToDouble(Double::doubleValue).sum() / wave.seconds());
        System.out.println("    " + heapOverTheWave(gcLog));
        // where the time goes: every migration's phases, summed over the wave (they overlap)
        wave.output().lines().filter(l -> l.trim().startsWith("timings:")).findFirst()
                .ifPresent(l -> System.out.println("    summed over the wave's migrations: " + l.trim().substring("timings:".length()).trim()));
    }

    /**
     * The {@code count} generated sources of {@code rows} rows under {@code dir}: those a previous
     * run generated when it was asked for the same (its targets and ledger deleted, so the wave
     * starts as on fresh sources), otherwise generated now. A 10,000-dataset fleet takes longer to
     * generate than a session may have beside the wave itself.
     */
    private static FleetFixture sources(Path dir, int count, int rows) throws Exception {
        Path made = dir.resolve("sources.txt");
        String asked = count + " sources of " + rows + " rows\n";
        if (Files.exists(made) && Files.readString(made).equals(asked)) {
            FleetFixture fleet = FleetFixture.create(dir, null, count, i -> rows, Set.of(), false);   // conf/ only
            try (java.util.stream.Stream<Path> tables = Files.list(fleet.warehouse)) {
                for (Path table : tables.toList()) {
                    String name = table.getFileName().toString();
                    if (!name.startsWith("src_")) {
                        TestFiles.deleteTree(table);
                    }
                }
            }
            System.out.printf("reused the %,d datasets of %,d rows generated in %s (their targets and ledger deleted)%n", count, rows, dir);
            return fleet;
        }
        TestFiles.deleteTree(dir);
        long started = System.nanoTime();
        FleetFixture fleet = FleetFixture.create(dir, SharedSpark.session(), count, i -> rows, Set.of(), false);
        Files.writeString(made, asked);
        System.out.printf("generated %d datasets of %,d rows in %.1f s%n", count, rows, (System.nanoTime() - started) / 1e9);
        return fleet;
    }

    /**
     * The heap left after collections in each quarter of the wave's process, least and most (from
     * its GC log): the least is about the live data; flat when the last quarters' are not above the
     * second's (the first holds the start-up).
     */
    static String heapOverTheWave(Path gcLog) throws java.io.IOException {
        java.util.regex.Pattern pause = java.util.regex.Pattern.compile("^\\[([0-9.]+)s\\].*GC\\(\\d+\\) Pause .* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
        List<double[]> after = new ArrayList<>();   // {seconds, MiB after}
        for (String line : Files.readAllLines(gcLog)) {
            java.util.regex.Matcher m = pause.matcher(line);
            if (m.find()) {
                after.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(3))});
            }
        }
        if (after.size() < 8) {
            return "heap: too few collections to tell (" + after.size() + ")";
        }
        double end = after.get(after.size() - 1)[0];
        List<String> quarters = new ArrayList<>();
        for (int q = 0; q < 4; q++) {
            double from = end * q / 4;
            double to = end * (q + 1) / 4;
            java.util.DoubleSummaryStatistics left = after.stream().filter(a -> a[0] > from && a[0] <= to)
                    .mapToDouble(a -> a[1]).summaryStatistics();
            quarters.add(left.getCount() == 0 ? "-" : String.format("%.0f-%.0f", left.getMin(), left.getMax()));
        }
        return "heap left after collections (least-most) per quarter of the wave's process: " + String.join(", ", quarters)
                + " MiB (" + after.size() + " collections)";
    }

    static void p7(Path root, Path dir, String sizes) throws Exception {
        for (String size : sizes.split(",")) {
            MigrationBenchmark.Ran ran = MigrationBenchmark.process(root, List.of("-Ddrover.root=" + root, "dev.drover.bench.FleetBenchmark",
                    "p7-one", size.trim()));
            System.out.println(ran.output().lines().filter(l -> l.startsWith("P7")).findFirst().orElse(ran.output()));
        }
    }

    /** In this fresh JVM: a catalog of n pairs of datasets, ten sources with data, a wave of those ten, then the heap. */
    static void p7One(Path dir, int n) throws Exception {
        TestFiles.deleteTree(dir);
        FleetFixture fleet = FleetFixture.create(dir, null, n, i -> 0, Set.of(), false);
        for (int i = 1; i <= 10; i++) {
            fleet.writeSource(SharedSpark.session(), i, 1_000, false);
        }
        Path list = dir.resolve("wave.txt");
        Files.writeString(list, String.join("\n", IntStream.rangeClosed(1, 10).mapToObj(FleetFixture::id).toList()) + "\n");
        List<String> overrides = List.of("drover.warehouse=" + fleet.warehouse, "drover.environment=test", "drover.progress=never");
        DroverConfig config = Drover.config(fleet.conf, overrides);
        long loading = System.nanoTime();
        try (Drover drover = Drover.open(SharedSpark.session(), config, Drover.catalog(config), new PrintStream(PrintStream.nullOutputStream()))) {
            int specs = drover.context().specs().all().size();
            double loaded = (System.nanoTime() - loading) / 1e9;
            WaveResult result = drover.waves(new PrintStream(PrintStream.nullOutputStream()), new PrintStream(PrintStream.nullOutputStream()))
                    .run(new WaveSelection(List.of(), List.of(), List.of(), Optional.of(list)), false, 4);
            if (!result.passed() || result.runs().size() != 10) {
                throw new IllegalStateException("the wave did not pass: " + result);
            }
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf("P7: catalog of %,d datasets (%,d specs, loaded in %.1f s), wave of 10 done: driver heap %.0f MiB used (target < 1024)%n",
                    2 * n, specs, loaded, used / 1048576.0);
        }
    }

    /**
     * Spark's code cache in a wave: in this JVM, a wave of two datasets (the first code generation),
     * then a wave of n more of the same shape, one at a time; prints the classes Spark compiled per
     * dataset in the second (each a miss of its code cache). With -Dbench.codegen.log=true the
     * second wave's compiled sources are logged (CodeGenerator at DEBUG), to see what differs.
     */
    static void codegen(Path dir, int n, int rows) throws Exception {
        TestFiles.deleteTree(dir);
        FleetFixture fleet = FleetFixture.create(dir, SharedSpark.session(), n + 2, i -> rows, Set.of(), false);
        List<String> overrides = List.of("drover.warehouse=" + fleet.warehouse, "drover.environment=test", "drover.progress=never");
        DroverConfig config = Drover.config(fleet.conf, overrides);
        try (Drover drover = Drover.open(SharedSpark.session(), config, Drover.catalog(config), new PrintStream(PrintStream.nullOutputStream()))) {
            for (int[] wave : new int[][] {{1, 2}, {3, n + 2}}) {
                Path list = dir.resolve("wave-" + wave[0] + ".txt");
                Files.writeString(list, String.join("\n", IntStream.rangeClosed(wave[0], wave[1]).mapToObj(FleetFixture::id).toList()) + "\n");
                if (wave[0] > 1 && Boolean.getBoolean("bench.codegen.log")) {
                    org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator",
                            org.apache.logging.log4j.Level.DEBUG);
                }
                long compiles = org.apache.spark.metrics.source.CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
                long started = System.nanoTime();
                WaveResult result = drover.waves(new PrintStream(PrintStream.nullOutputStream()), new PrintStream(PrintStream.nullOutputStream()))
                        .run(new WaveSelection(List.of(), List.of(), List.of(), Optional.of(list)), false, 1);
                if (!result.passed()) {
                    throw new IllegalStateException("the wave did not pass: " + result);
                }
                int datasets = wave[1] - wave[0] + 1;
                long made = org.apache.spark.metrics.source.CodegenMetrics.METRIC_COMPILATION_TIME().getCount() - compiles;
                System.out.printf("wave of %d datasets, one at a time: %.1f s, %d classes compiled, %.1f per dataset%n", datasets,
                        (System.nanoTime() - started) / 1e9, made, (double) made / datasets);
            }
        }
    }
}
