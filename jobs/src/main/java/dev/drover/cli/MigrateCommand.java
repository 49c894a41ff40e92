package dev.drover.cli;

import dev.drover.model.MigrationResult;
import dev.drover.view.Render;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Runs a migration: analyze, transform, test, deploy.",
                "Resumes an interrupted run of the same migration; a completed one is not run again."})
final class MigrateCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "MIGRATION", description = "Migration id (users/V2), id with description, or spec path.")
    String migration;

    @Option(names = "--allow-changed-spec", description = "Run even though the spec changed since it was applied.")
    boolean allowChangedSpec;

    @Option(names = "--enable-cdf", description = "For a migration with dual-write consumers: turn on the source's change data feed"
            + " first (a metadata-only commit of the source, recorded in the ledger), so drover sync can keep the target in step.")
    boolean enableCdf;

    @Option(names = "--timings", description = "Print the time each phase took (analyze, batch writes, test, ledger waits).")
    boolean timings;

    @Override
    public Integer call() {
        root.spec(migration);
        var drover = root.drover();
        long runStarted = System.currentTimeMillis();
        MigrationResult result = drover.migrate(migration).allowChangedSpec(allowChangedSpec).enableCdf(enableCdf).execute();
        Render.result(root.out(), result);
        if (timings) {
            Render.timings(root.out(), result.timings());
            long jvmStarted = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            root.out().printf("  process: %.2f s before the run (JVM, config, catalog, Spark session), run %.2f s%n",
                    (runStarted - jvmStarted) / 1e3, (System.currentTimeMillis() - runStarted) / 1e3);
        }
        return (result.outcome() == MigrationResult.Outcome.FAILED ? ExitCode.CHECKS_FAILED : ExitCode.OK).code();
    }
}
