package dev.drover.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "catalog", mixinStandardHelpOptions = true, description = "Catalog commands.",
        subcommands = CatalogCommand.Validate.class)
final class CatalogCommand implements Runnable {
    @ParentCommand
    DroverCli root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.out());
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Checks config, catalog, templates and every migration spec. Needs no Spark; writes nothing.")
    static final class Validate implements Callable<Integer> {
        @ParentCommand
        CatalogCommand parent;

        @Override
        public Integer call() {
            DroverCli root = parent.root;
            var catalog = root.catalog();
            var specs = root.specs().byId();
            root.out().printf("catalog ok: %d datasets, %d consumers, %d templates, %d migrations (%s)%n",
                    catalog.datasets().size(), catalog.consumers().size(), catalog.templates().size(), specs.size(),
                    String.join(", ", specs.keySet()));
            return ExitCode.OK.code();
        }
    }
}
