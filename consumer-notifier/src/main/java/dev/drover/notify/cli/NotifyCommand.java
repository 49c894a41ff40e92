package dev.drover.notify.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.cli.DroverCli;
import dev.drover.cli.ExitCode;
import dev.drover.cli.ExtraCommand;
import dev.drover.notify.Notifier;
import dev.drover.notify.NotifyResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "notify", mixinStandardHelpOptions = true,
        description = {"Delivers the consumer updates that are due from the outbox and records each attempt: CloudEvents 1.0",
                "(JSON) to Kafka keyed by consumer, POSTed to consumers' update endpoints, and proven query rewrites",
                "pushed as a branch to consumers' repositories. Immediate and dual-write consumers are told at once;",
                "phased ones wave by wave. Exit 4 when some were not delivered (they stay in the outbox)."})
public final class NotifyCommand implements Callable<Integer>, ExtraCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    DroverCli root;

    @Option(names = "--retry-failed", description = "Send again only the events whose delivery failed or was never confirmed.")
    boolean retryFailed;

    @Option(names = "--dry-run", description = "Show what is due and what is held back, send nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        var config = root.config();
        Notifier.requireConfigured(config);   // bad input: stop before Spark starts
        NotifyResult result = new Notifier(config, root.drover().ledger(), json ? nullStream() : root.out(), root::catalog)
                .run(retryFailed, dryRun);
        if (json) {
            root.out().println(json(result));
        }
        if (!dryRun) {
            alertUndelivered(result);
        }
        return (result.complete() ? ExitCode.OK : ExitCode.UNDELIVERED).code();
    }

    /** An alert per run whose events this notify left undelivered (failed or unconfirmed). */
    private void alertUndelivered(NotifyResult result) {
        var alerts = new dev.drover.alert.Alerts(root.config().alerts(), root.drover().ledger(), json ? nullStream() : root.out());
        if (!alerts.enabled()) {
            return;
        }
        java.util.Map<String, String> migrationOfRun = new java.util.HashMap<>();
        result.due().forEach(d -> migrationOfRun.putIfAbsent(d.event().runId(),
                d.event().migration() == null ? d.event().runId() : d.event().migration()));
        java.util.Map<String, Long> undelivered = new java.util.TreeMap<>();
        result.undelivered().forEach(d -> undelivered.merge(d.runId(), 1L, Long::sum));
        alerts.undelivered(migrationOfRun, undelivered);   // recorded in the ledger before the command's Drover closes
    }

    static String json(NotifyResult r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("dryRun", r.dryRun());
        node.put("due", r.due().size());
        node.put("delivered", r.delivered());
        node.put("acksRead", r.acksRead());
        node.put("warning", r.warning());
        var deliveries = node.putArray("deliveries");
        r.deliveries().forEach(d -> deliveries.addObject().put("eventId", d.eventId()).put("consumer", d.consumer())
                .put("status", d.status().label()).put("attempt", d.attempt()).put("topic", d.topic())
                .put("partition", d.partition()).put("offset", d.offset()).put("error", d.error()).put("detail", d.detail()));
        var held = node.putArray("held");
        r.held().forEach(h -> held.addObject().put("eventId", h.event().eventId()).put("consumer", h.event().consumer())
                .put("reason", h.reason()));
        var due = node.putArray("dueEvents");
        r.due().forEach(d -> due.add(d.event().eventId()));
        return node.toString();
    }

    private static java.io.PrintStream nullStream() {
        return new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    }
}
