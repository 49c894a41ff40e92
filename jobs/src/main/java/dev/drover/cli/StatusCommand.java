package dev.drover.cli;

import dev.drover.view.Render;
import dev.drover.view.WaveView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows runs from the ledger: all of them, or one run's stages, batches, checks and quarantine.",
                "--wave lists the waves; --wave WAVE-ID shows one wave's migrations; --requests lists the agent's requests."})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "RUN-ID", arity = "0..1", description = "One run; all runs when left out.")
    String runId;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Option(names = "--wave", arity = "0..1", fallbackValue = "", paramLabel = "WAVE-ID",
            description = "The waves, newest first; with an id, that wave and how each of its migrations ended.")
    String wave;

    @Option(names = "--requests", description = "The agent's requests, newest first: kind, target, requester, status, run, exit code.")
    boolean requests;

    @Override
    public Integer call() throws Exception {
        var writer = Render.JSON.writerWithDefaultPrettyPrinter();
        if (requests) {
            if (runId != null || wave != null) {
                throw new dev.drover.error.InputError("", "--requests", "give --requests alone, not with a run id or --wave");
            }
            var list = root.drover(false).requests();
            if (json) {
                root.out().println(writer.writeValueAsString(Render.requestsJson(list)));
            } else {
                Render.requests(root.out(), list);
            }
            return 0;
        }
        if (wave != null) {
            if (runId != null) {
                throw new dev.drover.error.InputError("", "RUN-ID", "give a run id or --wave, not both");
            }
            var ledger = root.drover(false);
            var waves = ledger.waveRecords();
            if (wave.isEmpty()) {
                if (json) {
                    root.out().println(writer.writeValueAsString(WaveView.wavesJson(waves)));
                } else {
                    WaveView.waves(root.out(), waves);
                }
                return 0;
            }
            var record = waves.stream().filter(w -> w.waveId().equals(wave)).findFirst()
                    .orElseThrow(() -> new dev.drover.error.InputError("", "--wave", "no wave '" + wave + "' in the ledger; see drover status --wave"));
            var runs = ledger.waveRuns(wave);
            var fleet = ledger.fleet(wave);
            if (json) {
                root.out().println(writer.writeValueAsString(WaveView.waveJson(record, runs, fleet)));
            } else {
                WaveView.wave(root.out(), record, runs, fleet);
            }
            return 0;
        }
        if (runId == null) {
            var runs = root.drover(false).runs();
            if (json) {
                root.out().println(writer.writeValueAsString(Render.runsJson(runs)));
            } else {
                Render.runs(root.out(), runs);
            }
        } else {
            var view = root.drover(false).status(runId);
            if (json) {
                root.out().println(writer.writeValueAsString(Render.runViewJson(view)));
            } else {
                Render.run(root.out(), view);
            }
        }
        return 0;
    }
}
