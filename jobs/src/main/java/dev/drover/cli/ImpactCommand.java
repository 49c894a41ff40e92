package dev.drover.cli;

import dev.drover.impact.ConsumerImpact;
import dev.drover.view.ImpactView;
import dev.drover.view.Render;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "impact", mixinStandardHelpOptions = true,
        description = "Before running: each consumer's declared queries, unaffected / rewritable / needs a person, and why, "
                + "with Spark's own parser and analyzer. Writes nothing.")
final class ImpactCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "MIGRATION", description = "Migration id (users/V2), id with description, or spec path.")
    String migration;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        root.spec(migration);
        List<ConsumerImpact> impacts = root.drover(false).impact(migration);
        if (json) {
            root.out().println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ImpactView.json(impacts)));
        } else {
            ImpactView.print(root.out(), root.spec(migration).id(), impacts);
        }
        return 0;
    }
}
