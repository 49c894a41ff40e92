package dev.drover.cli;

import dev.drover.model.Quota;
import dev.drover.model.WaveOutcome;
import dev.drover.view.Render;
import dev.drover.view.WaveView;
import dev.drover.wave.WaveResult;
import dev.drover.wave.WaveRunner;
import dev.drover.wave.WaveSelection;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "wave", mixinStandardHelpOptions = true,
        description = {"Runs many migrations in one Spark application: every pending one, or a selection.",
                "Filters of different kinds must all match; values of one kind are alternatives. Each filter",
                "takes comma-separated values; empty values are ignored (a scheduler may always pass them).",
                "The same command after a kill resumes the wave: what ended is left alone.",
                "Exit 0 all passed, 1 one or more failed and were rolled back, 2 bad input, 3 a dataset was held by another run."})
final class WaveCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Option(names = "--dataset", split = ",", paramLabel = "NAME", description = "Migrations reading or writing this dataset (repeatable).")
    List<String> datasets = new ArrayList<>();

    @Option(names = "--owner", split = ",", paramLabel = "OWNER", description = "Migrations whose target this owner owns, e.g. group:identity-data or identity-data (repeatable).")
    List<String> owners = new ArrayList<>();

    @Option(names = "--tag", split = ",", paramLabel = "TAG", description = "Migrations whose target has this catalog tag, or label as key=value (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--target-version", split = ",", paramLabel = "N", description = "Migrations to version N of their dataset (spec V<N>; repeatable).")
    List<String> versions = new ArrayList<>();

    @Option(names = "--list", paramLabel = "FILE", description = "Migrations named in FILE, one id per line (# comments).")
    Path list;

    @Option(names = "--parallel", paramLabel = "N", description = "Migrations at once (default: drover.wave.parallel).")
    Integer parallel;

    @Option(names = "--plan", description = "Dry run: what would run, in which order, with batches and consumers; nothing written.")
    boolean plan;

    @Option(names = "--allow-changed-spec", description = "Apply again migrations whose spec changed since they were applied.")
    boolean allowChangedSpec;

    @Option(names = "--sync", description = "Sync the selected migrations' open transition windows instead of migrating"
            + " (as drover sync --all does for every window).")
    boolean sync;

    @Option(names = "--timings", description = "Print the seconds the migrations spent per phase, summed over the wave.")
    boolean timings;

    @Option(names = "--json", description = "Print JSON for scripts (the wave's progress lines go to stderr).")
    boolean json;

    private static List<String> given(List<String> values) {
        return values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static int version(String text) {
        if (!text.matches("[1-9][0-9]{0,8}")) {
            throw new dev.drover.error.InputError("", "--target-version", "expected a spec version such as 2 (for V2__…), got '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    @Override
    public Integer call() throws Exception {
        if (parallel != null && parallel < 1) {
            throw new dev.drover.error.InputError("", "--parallel", "expected a whole number above 0, got " + parallel);
        }
        if (sync && plan) {
            throw new dev.drover.error.InputError("", "--sync", "has no dry run (--plan); drover transition shows each window's lag");
        }
        WaveSelection selection = new WaveSelection(given(datasets), given(owners), given(tags),
                Optional.ofNullable(list), given(versions).stream().map(WaveCommand::version).toList());
        root.specs();
        selection.select(root.specs(), root.catalog());   // bad filters fail before Spark starts
        int n = parallel != null ? parallel : root.config().wave().parallel();
        PrintStream out = root.out();
        PrintStream lines = json ? System.err : out;
        var drover = root.drover(!plan);
        if (plan) {
            WaveRunner waves = drover.waves(lines, lines);
            WaveRunner.Pending pending = waves.pending(selection, allowChangedSpec);
            List<WaveRunner.Preview> previews = waves.preview(pending);
            java.util.function.Function<WaveRunner.Preview, Quota> quota =
                    p -> p.item().spec().quota().resolve(root.config().wave().quota());
            if (json) {
                out.println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                        WaveView.previewJson(selection.key(), previews, pending.alreadyApplied(), n, quota)));
            } else {
                WaveView.preview(out, selection.key(), previews, pending.alreadyApplied(), n, quota);
            }
            return ExitCode.OK.code();
        }
        // on a terminal the wave's line is redrawn in place: the runs' own lines would break it
        boolean live = !json && root.config().progress() != dev.drover.config.DroverConfig.Progress.NEVER
                && (root.config().progress() == dev.drover.config.DroverConfig.Progress.ALWAYS || System.console() != null);
        PrintStream runs = live ? new PrintStream(OutputStream.nullOutputStream()) : lines;
        WaveResult result = sync ? drover.waves(lines, runs).sync(selection, n, false) : drover.waves(lines, runs).run(selection, allowChangedSpec, n);
        if (json) {
            var node = WaveView.resultJson(result);
            if (timings) {
                result.timings().forEach((phase, s) -> node.with("phaseSeconds").put(phase, Math.round(s * 100) / 100.0));
            }
            out.println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } else {
            WaveView.result(out, result);
            if (timings) {
                Render.timings(out, result.timings());
            }
        }
        if (result.count(WaveOutcome.FAILED) > 0) {
            return ExitCode.CHECKS_FAILED.code();
        }
        return (result.passed() ? ExitCode.OK : ExitCode.CONFLICT).code();
    }
}
