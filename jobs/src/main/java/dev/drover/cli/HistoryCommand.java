package dev.drover.cli;

import dev.drover.view.Render;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Delta history of a dataset joined with the ledger: which run, migration, stage and batch made each version.")
final class HistoryCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "DATASET", description = "Catalog name of the dataset, e.g. users-v2.")
    String dataset;

    @Option(names = "--limit", defaultValue = "50", description = "Newest versions to show (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (root.catalog().dataset(dataset).isEmpty()) {
            throw new dev.drover.error.InputError("", "DATASET", "unknown dataset '" + dataset + "'; the catalog has "
                    + root.catalog().datasets().keySet().stream().sorted().toList());
        }
        var entries = root.drover(false).history(dataset, limit);
        if (json) {
            root.out().println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Render.historyJson(entries)));
        } else {
            Render.history(root.out(), dataset, entries);
        }
        return 0;
    }
}
