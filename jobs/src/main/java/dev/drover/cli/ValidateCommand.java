package dev.drover.cli;

import dev.drover.model.ValidationResult;
import dev.drover.view.Render;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Re-runs a succeeded run's test stage on demand: the source at the run's recorded version",
                "against the target as it is now. Read-only; exit 1 when a check fails (nothing is restored)."})
final class ValidateCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Parameters(paramLabel = "RUN-ID", description = "The run to validate (see drover status).")
    String runId;

    @Option(names = "--json", description = "Print the checks as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ValidationResult result = root.drover().validate(runId);
        if (json) {
            root.out().println(Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Render.validationJson(result)));
        } else {
            Render.validation(root.out(), result);
        }
        return (result.passed() ? ExitCode.OK : ExitCode.CHECKS_FAILED).code();
    }
}
