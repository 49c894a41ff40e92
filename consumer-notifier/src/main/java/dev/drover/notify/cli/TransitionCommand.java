package dev.drover.notify.cli;

import dev.drover.cli.DroverCli;
import dev.drover.cli.ExitCode;
import dev.drover.cli.ExtraCommand;
import dev.drover.notify.Acknowledgements;
import dev.drover.transition.TransitionStatus;
import dev.drover.view.Render;
import dev.drover.view.TransitionView;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "transition", mixinStandardHelpOptions = true,
        description = {"Shows transition windows: each new-table migration whose source has dual-write consumers, from its run",
                "until its source is retired: the source's latest version and the lag of the target, the syncs, each",
                "consumer of the source moved or not (acknowledged its migrated event, or declared with --moved) and",
                "its deadline. Reads the ack topic first when a broker is configured; sends the alerts the windows call",
                "for (lag over drover.sync.max-lag, a deadline passed or near)."})
public final class TransitionCommand implements Callable<Integer>, ExtraCommand {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "MIGRATION", arity = "0..1", description = "One window's migration (users/V2); all windows without.")
    String migration;

    @Option(names = "--moved", paramLabel = "CONSUMER", description = "Record that CONSUMER has moved to the new version (repeatable).")
    List<String> moved = List.of();

    @Option(names = "--by", paramLabel = "WHO", description = "Who says so, for --moved (default: the OS user).")
    String by;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!moved.isEmpty() && migration == null) {
            throw new dev.drover.error.InputError("", "--moved", "names a consumer of one window: give its migration (users/V2)");
        }
        if (migration != null) {
            root.spec(migration);
        }
        var drover = root.drover(false);
        Acknowledgements.read(root.config().notifications(), drover.ledger()).ifPresent(line -> System.err.println("transition: " + line));
        for (String consumer : moved) {
            drover.moved(migration, consumer, by != null ? by : System.getProperty("user.name", ""));
        }
        List<TransitionStatus> statuses = drover.alertOnTransitions().stream()
                .filter(s -> migration == null || s.window().migration().equals(drover.spec(migration).id())).toList();
        if (migration != null && statuses.isEmpty()) {
            throw new dev.drover.error.InputError("", "migration", migration + " has no transition window yet: run drover migrate "
                    + migration + " first (its source must have dual-write consumers)");
        }
        var maxLag = root.config().sync().maxLag();
        if (json) {
            root.out().println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(TransitionView.transitionsJson(statuses, maxLag)));
        } else {
            TransitionView.transitions(root.out(), statuses, maxLag);
        }
        return ExitCode.OK.code();
    }
}
