package dev.drover.cli;

import dev.drover.view.Render;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows runs from the ledger: all of them, or one run's stages, batches, checks and quarantine.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "RUN-ID", arity = "0..1", description = "One run; all runs when left out.")
    String runId;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var writer = Render.JSON.writerWithDefaultPrettyPrinter();
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
