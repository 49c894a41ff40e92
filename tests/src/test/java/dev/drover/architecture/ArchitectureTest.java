package dev.drover.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The core's shape, as the README's Architecture section draws it: one package per stage,
 * stages never import each other, the ledger and the outbox know no stage, only the API and the
 * CLI reach the run orchestration, and data flows one way.
 */
@AnalyzeClasses(packages = "dev.drover", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
    /** Leaves out the test-jars on the classpath (the jobs module's, for the impact corpus): only production code is checked. */
    public static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    /**
     * Drover's own packages of each stage; patterns start at {@code dev.drover} so a library's
     * package that happens to share a name (Parquet's {@code org.apache.parquet.io.api}) is not
     * taken for one of ours.
     */
    private static final String[] STAGES = {"dev.drover..analyze..", "dev.drover..transform..", "dev.drover..verify..",
        "dev.drover..deploy..", "dev.drover..restore..", "dev.drover..sync.."};

    @ArchTest
    static final ArchRule stagesNeverImportEachOther = slices().matching("dev.drover.(analyze|transform|verify|deploy|restore|sync)..")
            .should().notDependOnEachOther().as("stages never import each other");

    @ArchTest
    static final ArchRule ledgerAndOutboxKnowNoStage = noClasses().that().resideInAnyPackage("..ledger..", "..outbox..")
            .should().dependOnClassesThat().resideInAnyPackage(with(STAGES, "dev.drover..run..", "dev.drover..api..", "dev.drover..cli..",
                    "dev.drover..view..", "dev.drover..plan.."))
            .as("the ledger and the outbox know no stage, no plan and no orchestration");

    @ArchTest
    static final ArchRule onlyApiAndCliImportRun = noClasses().that()
            .resideOutsideOfPackages("dev.drover.run..", "dev.drover.wave..", "dev.drover.agent", "..api..", "..cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.drover.run..")
            .as("only the API, the CLI, waves and the agent (which run many migrations through one context) import run");

    @ArchTest
    static final ArchRule cliGoesThroughTheApi = noClasses().that().resideInAPackage("..cli..")
            .should().dependOnClassesThat().resideInAnyPackage(with(STAGES, "dev.drover.run.."))
            .as("the CLI uses the API and the views, not the stages or the runner");

    @ArchTest
    static final ArchRule viewsOnlyRender = noClasses().that().resideInAPackage("..view..")
            .should().dependOnClassesThat().resideInAnyPackage(with(STAGES, "dev.drover.run..", "..api..", "..cli.."))
            .as("views render models and ledger records only");

    @ArchTest
    static final ArchRule modelIsPlainValues = noClasses().that().resideInAPackage("dev.drover.model..")
            .should().dependOnClassesThat().resideInAnyPackage(with(STAGES, "dev.drover.run..", "..api..", "..cli..", "..view..",
                    "..ledger..", "..outbox..", "..plan..", "..spec..", "..measure..", "..exec..", "..delta.."))
            .as("the model is plain values");

    @ArchTest
    static final ArchRule noCycles = slices().matching("dev.drover.(*)..").should().beFreeOfCycles();

    private static String[] with(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
