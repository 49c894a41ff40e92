package dev.drover.cli;

import dev.drover.model.SyncResult;
import dev.drover.model.WaveOutcome;
import dev.drover.view.Render;
import dev.drover.view.TransitionView;
import dev.drover.view.WaveView;
import dev.drover.wave.WaveResult;
import dev.drover.wave.WaveSelection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Keeps a transition window's target in step with its live source: applies the source's changes",
                "since the last sync (its change data feed) through the migration's steps in one MERGE, proven",
                "before it counts; a sync that fails its checks restores the target. A killed sync resumes.",
                "Exit 0 in step, 1 a sync failed its checks (target restored) or the full check failed,",
                "2 bad input or the feed cannot serve the range (nothing written), 3 another run holds the target."})
final class SyncCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "MIGRATION", arity = "0..1", description = "The window's migration (users/V2); omit with --all.")
    String migration;

    @Option(names = "--all", description = "Every open window, in one application (the wave's machinery).")
    boolean all;

    @Option(names = "--verify", arity = "0..1", fallbackValue = "true", description = "Also compare all of the target with the steps over the source at the synced version.")
    boolean verify;

    @Option(names = "--verify-only", description = "Only the full comparison; no sync.")
    boolean verifyOnly;

    @Option(names = "--resnapshot", description = "Run the whole migration again into the target from the source's latest version"
            + " (when the feed cannot serve a range); consumers are not told again.")
    boolean resnapshot;

    @Option(names = "--parallel", paramLabel = "N", description = "With --all: windows at once (default: drover.wave.parallel).")
    Integer parallel;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Option(names = "--timings", description = "Print the time each phase of the sync took.")
    boolean timings;

    @Override
    public Integer call() throws Exception {
        if (all == (migration != null)) {
            throw new dev.drover.error.InputError("", "MIGRATION", all ? "give a migration or --all, not both"
                    : "expected a migration (users/V2) or --all");
        }
        if (all && (resnapshot || verifyOnly)) {
            throw new dev.drover.error.InputError("", all && resnapshot ? "--resnapshot" : "--verify-only", "works on one window; name its migration");
        }
        if (parallel != null && parallel < 1) {
            throw new dev.drover.error.InputError("", "--parallel", "expected a whole number above 0, got " + parallel);
        }
        if (all) {
            return syncAll();
        }
        root.spec(migration);
        SyncResult result = root.drover().sync(migration).verify(verify).onlyVerify(verifyOnly).resnapshot(resnapshot)
                .lines(json ? System.err : root.out()).execute();
        if (json) {
            root.out().println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(TransitionView.syncJson(result)));
        } else {
            TransitionView.sync(root.out(), result);
            if (timings) {
                Render.timings(root.out(), result.timings());
            }
        }
        return (result.outcome().passed() ? ExitCode.OK : ExitCode.CHECKS_FAILED).code();
    }

    private int syncAll() throws Exception {
        root.specs();
        int n = parallel != null ? parallel : root.config().wave().parallel();
        var lines = json ? System.err : root.out();
        WaveResult result = root.drover().waves(lines, lines).sync(WaveSelection.ALL, n, verify);
        if (json) {
            root.out().println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(WaveView.resultJson(result)));
        } else {
            WaveView.result(root.out(), result);
        }
        if (result.count(WaveOutcome.FAILED) > 0) {
            return ExitCode.CHECKS_FAILED.code();
        }
        return (result.passed() ? ExitCode.OK : ExitCode.CONFLICT).code();
    }
}
