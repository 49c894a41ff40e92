package dev.drover.cli;

import dev.drover.plan.MigrationPlan;
import dev.drover.view.Render;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Dry run: source version, schema diff old -> new, batches, consumers affected. Writes nothing.")
final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "MIGRATION", description = "Migration id (users/V2), id with description, or spec path.")
    String migration;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        root.spec(migration);
        MigrationPlan plan = root.drover(false).plan(migration);
        if (json) {
            root.out().println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Render.planJson(plan)));
        } else {
            Render.plan(root.out(), plan);
        }
        return 0;
    }
}
