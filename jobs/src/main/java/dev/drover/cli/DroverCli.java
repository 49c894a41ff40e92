package dev.drover.cli;

import dev.drover.api.Drover;
import dev.drover.catalog.Catalog;
import dev.drover.config.DroverConfig;
import dev.drover.error.DroverError;
import dev.drover.spark.Sessions;
import dev.drover.spec.MigrationSpec;
import dev.drover.spec.Specs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * {@code drover <command>}: the launcher's and spark-submit's entry point. Exit codes: 0 done;
 * 1 the migration failed its checks and was rolled back; 2 bad input, nothing written;
 * 3 conflict.
 */
@Command(name = "drover", mixinStandardHelpOptions = true, version = "drover 0.1.0",
        description = "Migrates datasets to new versions on Spark and Delta Lake: checked, reversible, announced.",
        subcommands = {PlanCommand.class, ImpactCommand.class, MigrateCommand.class, SyncCommand.class, WaveCommand.class, ValidateCommand.class, RollbackCommand.class, StatusCommand.class,
                HistoryCommand.class, ReportCommand.class, CatalogCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the migration (wave: one or more) failed its checks and was rolled back",
                "2:bad input (usage, config, catalog or spec); nothing was written",
                "3:conflict (another run holds the dataset, or the table moved under us)",
                "4:notify: some consumer events were not delivered; they stay in the outbox for --retry-failed"})
public final class DroverCli implements Runnable {
    @Option(names = "--conf-dir", scope = ScopeType.INHERIT, paramLabel = "DIR", defaultValue = "conf",
            description = "Folder holding drover.conf, catalog/, templates/, migrations/ (default: ${DEFAULT-VALUE}).")
    Path confDir;

    @Option(names = "--conf", scope = ScopeType.INHERIT, paramLabel = "KEY=VALUE",
            description = "Overrides a config key, e.g. --conf drover.warehouse=/data (repeatable).")
    public List<String> overrides = new ArrayList<>();

    @Option(names = "--master", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Spark master (local[*], spark://host:7077, yarn, k8s://…); overrides config and spark-submit.")
    String master;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private DroverConfig config;
    private Catalog catalog;
    private Specs specs;
    private SparkSession spark;
    private Drover drover;

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    public PrintStream out() {
        return System.out;
    }

    public DroverConfig config() {
        if (config == null) {
            config = Drover.config(confDir, overrides);
        }
        return config;
    }

    /** The configured storage locations by setting, for naming the one that cannot be reached; empty when the config does not load. */
    java.util.Map<String, String> storageSettings() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try {
            DroverConfig c = config();
            out.put("drover.state-dir", c.stateDir());
            out.put("drover.warehouse", c.warehouse());
            String endpoint = c.sparkConf().getOrDefault("spark.hadoop.fs.s3a.endpoint", "");
            if (!endpoint.isEmpty()) {
                out.put("drover.storage.s3.endpoint", endpoint.contains("://") ? endpoint : "https://" + endpoint);
            }
        } catch (RuntimeException e) {
            // the config's own error is reported where it is loaded
        }
        return out;
    }

    public Catalog catalog() {
        if (catalog == null) {
            catalog = Drover.catalog(config());
        }
        return catalog;
    }

    public SparkSession spark() {
        return spark(true);
    }

    /** The session, made on first use; {@code webUi = false} for commands that only read (no Spark UI). */
    public SparkSession spark(boolean webUi) {
        if (spark == null) {
            // an S3 endpoint that does not answer fails here, in seconds, not after the client's
            // retries (not probed through a proxy: only the proxy would reach it)
            java.util.Map<String, String> conf = config().sparkConf();
            if (!conf.containsKey("spark.hadoop.fs.s3a.proxy.host")) {
                dev.drover.storage.ObjectStorage.requireReachable(conf.get("spark.hadoop.fs.s3a.endpoint"), java.time.Duration.ofSeconds(10));
            }
            spark = Sessions.create(config(), master, webUi);
        }
        return spark;
    }

    /** Every spec of the conf folder, loaded once per command, without Spark. */
    public Specs specs() {
        if (specs == null) {
            specs = Drover.specs(config(), catalog());
        }
        return specs;
    }

    public Drover drover() {
        return drover(true);
    }

    /** The API on this command's session; {@code webUi = false} for commands that only read. */
    public Drover drover(boolean webUi) {
        if (drover == null) {
            drover = Drover.open(spark(webUi), config(), catalog(), specs(), out());
        }
        return drover;
    }

    /** Loads config, catalog and the named spec: bad input fails here, before Spark starts. */
    public MigrationSpec spec(String reference) {
        return specs().find(reference);
    }

    /** Points the command at another conf folder (the demo works on its own copy); config, catalog and specs load again. */
    public void useConfDir(Path folder) {
        closeDrover();
        this.confDir = folder;
        this.config = null;
        this.catalog = null;
        this.specs = null;
    }

    public Path confDir() {
        return confDir;
    }

    public void overrideConfig(DroverConfig replacement) {
        closeDrover();
        this.config = replacement;
        this.catalog = null;
        this.specs = null;
    }

    private void closeDrover() {
        if (drover != null) {
            drover.close();
            drover = null;
        }
    }

    public static void main(String[] args) {
        int code = execute(args);
        System.out.flush();
        System.exit(code);
    }

    private static final Set<String> GLOBAL_OPTIONS = Set.of("--conf-dir", "--conf", "--master");

    /**
     * The global options, wherever they were given (before the command, after it, or both), moved
     * in front of it in the order given, so every one of them counts: repeated {@code --conf}s add
     * up, a repeated {@code --conf-dir} or {@code --master} is the last one given. Everything after
     * {@code --} stays as it is.
     */
    static String[] hoistGlobalOptions(String... args) {
        List<String> globals = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                rest.addAll(Arrays.asList(args).subList(i, args.length));
                break;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (!GLOBAL_OPTIONS.contains(name)) {
                rest.add(arg);
            } else if (arg.contains("=")) {
                globals.add(arg);
            } else if (i + 1 < args.length) {
                globals.add(arg);
                globals.add(args[++i]);
            } else {
                rest.add(arg);   // no value: picocli says so
            }
        }
        globals.addAll(rest);
        return globals.toArray(String[]::new);
    }

    /** The first word that is neither an option nor a global option's value: the command. */
    private static Optional<String> commandName(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--")) {
                return Optional.empty();
            }
            if (GLOBAL_OPTIONS.contains(argv[i])) {
                i++;
            } else if (!argv[i].startsWith("-")) {
                return Optional.of(argv[i]);
            }
        }
        return Optional.empty();
    }

    /** Runs a command and returns its exit code; never exits the JVM (spark-submit and tests call it). */
    public static int execute(String... args) {
        DroverCli root = new DroverCli();
        CommandLine cli = new CommandLine(root);
        for (ExtraCommand extra : java.util.ServiceLoader.load(ExtraCommand.class)) {
            cli.addSubcommand(extra);
        }
        cli.setParameterExceptionHandler((e, argv) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            System.err.println("drover: " + e.getMessage().replace('\n', ' ') + " (see " + command + " --help)");
            return ExitCode.BAD_INPUT.code();
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof DroverError error) {
                System.err.println("drover: " + error.getMessage());
                return ExitCode.of(error).code();
            }
            java.util.Optional<String> refused = dev.drover.storage.ObjectStorage.refusal(e);
            if (refused.isPresent()) {
                System.err.println("drover: " + refused.get());
                return ExitCode.BAD_INPUT.code();
            }
            java.util.Optional<String> unreachable = dev.drover.storage.ObjectStorage.unreachable(e, root.storageSettings());
            if (unreachable.isPresent()) {
                System.err.println("drover: " + unreachable.get());
                return ExitCode.BAD_INPUT.code();
            }
            throw e;
        });
        String[] argv = hoistGlobalOptions(args);
        Optional<String> command = commandName(argv);
        if (command.isPresent() && !cli.getSubcommands().containsKey(command.get())) {
            // checked before picocli, which answers any "--help" with the root's usage, and exit 0
            System.err.println("drover: unknown command '" + command.get() + "'; the commands are "
                    + String.join(", ", cli.getSubcommands().keySet()) + " (see drover --help)");
            return ExitCode.BAD_INPUT.code();
        }
        try {
            return cli.execute(argv);
        } finally {
            root.closeDrover();
        }
    }
}
