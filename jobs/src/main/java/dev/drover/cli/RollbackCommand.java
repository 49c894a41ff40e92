package dev.drover.cli;

import dev.drover.model.RollbackResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Restores a run's target to the snapshot taken before the run, in a new commit.",
                "Refused (exit 3) when others committed to the table after the run, unless --force."})
final class RollbackCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "RUN-ID", description = "The run to roll back (see drover status).")
    String runId;

    @Option(names = "--force", description = "Roll back even if that discards later commits by others.")
    boolean force;

    @Override
    public Integer call() {
        RollbackResult result = root.drover().rollback(runId, force);
        root.out().println("run " + runId + ": " + result.message());
        return 0;
    }
}
