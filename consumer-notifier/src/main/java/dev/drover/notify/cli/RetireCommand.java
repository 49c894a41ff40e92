package dev.drover.notify.cli;

import dev.drover.cli.DroverCli;
import dev.drover.cli.ExitCode;
import dev.drover.cli.ExtraCommand;
import dev.drover.model.RetireResult;
import dev.drover.notify.Acknowledgements;
import dev.drover.view.Render;
import dev.drover.view.TransitionView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "retire", mixinStandardHelpOptions = true,
        description = {"Retires a transition window's source once every consumer has moved: a last sync, one",
                "dev.drover.dataset.retired event per consumer (drover notify publishes them), the source's table",
                "properties drover.retired / drover.successor / drover.retired-on, spec.lifecycle: deprecated on its",
                "catalog entity (or the change to make, when the catalog cannot be written), the window closed.",
                "Exit 3 while a consumer has not moved (--force retires anyway after the window's deadline)."})
public final class RetireCommand implements Callable<Integer>, ExtraCommand {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "MIGRATION", description = "The window's migration (users/V2).")
    String migration;

    @Option(names = "--force", description = "Retire though some consumers have not moved; only after the window's deadline.")
    boolean force;

    @Option(names = "--by", paramLabel = "WHO", description = "Who retires it (default: the OS user).")
    String by;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        root.spec(migration);
        var drover = root.drover();
        Acknowledgements.read(root.config().notifications(), drover.ledger()).ifPresent(line -> System.err.println("retire: " + line));
        RetireResult result = drover.retire(migration, force, by != null ? by : System.getProperty("user.name", ""));
        if (json) {
            root.out().println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(TransitionView.retireJson(result)));
        } else {
            TransitionView.retire(root.out(), result);
        }
        return ExitCode.OK.code();
    }
}
