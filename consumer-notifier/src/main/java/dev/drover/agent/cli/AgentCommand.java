package dev.drover.agent.cli;

import dev.drover.agent.Agent;
import dev.drover.cli.DroverCli;
import dev.drover.cli.ExitCode;
import dev.drover.cli.ExtraCommand;
import dev.drover.error.InputError;
import dev.drover.notify.Notifier;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Runs until stopped, taking migration requests (drover request, the Backstage action drover:request)",
                "from drover.agent.requests-topic and answering each on drover.agent.replies-topic: accepted, started,",
                "then succeeded, failed or rolled-back (refused, with the reason, for a bad request). A request runs once",
                "per id. SIGTERM drains: no new request starts, running ones finish (drover.agent.drain-timeout);",
                "a restarted agent resumes what was accepted or running before it takes new requests."})
public final class AgentCommand implements Callable<Integer>, ExtraCommand {
    @ParentCommand
    DroverCli root;

    @Option(names = "--exit-when-idle", paramLabel = "DURATION",
            description = "Stop once no request came and none ran for this long (e.g. 30s, 5m): drain a queue from cron.")
    String exitWhenIdle;

    @Override
    public Integer call() {
        Optional<Duration> idle = Optional.ofNullable(exitWhenIdle).map(AgentCommand::duration);
        var config = root.config();
        Notifier.requireConfigured(config);   // bad input: stop before Spark starts
        root.specs();
        Agent agent = new Agent(root.drover(), root.out(), idle);
        // SIGTERM: drain before Spark's own shutdown hook stops the session under the running migrations
        ShutdownHookManager.get().addShutdownHook(agent::drain, FileSystem.SHUTDOWN_HOOK_PRIORITY + 50,
                config.agent().drainTimeout().plusSeconds(30).toSeconds(), TimeUnit.SECONDS);
        agent.run();
        return ExitCode.OK.code();
    }

    static Duration duration(String text) {
        try {
            Duration d = com.typesafe.config.ConfigFactory.parseString("d = \"" + text.replace("\"", "") + "\"").getDuration("d");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException();
            }
            return d;
        } catch (RuntimeException e) {
            throw new InputError("", "--exit-when-idle", "expected a duration above 0 such as 30s or 5m, got '" + text + "'");
        }
    }
}
