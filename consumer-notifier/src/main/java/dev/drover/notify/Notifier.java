package dev.drover.notify;

import dev.drover.config.DroverConfig;
import dev.drover.config.NotifySettings;
import dev.drover.error.ConfigError;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RunRecord;
import dev.drover.ledger.RunStatus;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.Outbox;
import dev.drover.outbox.OutboxEvent;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * The consumer notifier: reads the acknowledgements, then the outbox and its delivery record
 * (Delta tables under the state folder), works out what is due ({@link Release}), publishes it
 * ({@link Publisher}) and records one delivery row per event. Events stay in the outbox until
 * delivered, so a broker outage loses nothing: they go out on a later run.
 */
public final class Notifier {
    private final DroverConfig config;
    private final NotifySettings settings;
    private final Ledger ledger;
    private final Outbox outbox;
    private final PrintStream out;

    public Notifier(SparkSession spark, DroverConfig config, PrintStream out) {
        this.config = config;
        this.settings = config.notifications();
        this.ledger = new Ledger(spark, config.stateDir());
        this.outbox = new Outbox(ledger);
        this.out = out;
    }

    public NotifyResult run(boolean retryFailed, boolean dryRun) {
        if (!settings.configured()) {
            throw new ConfigError(config.confDir().resolve("drover.conf").toString(), "drover.notify.bootstrap-servers",
                    "is empty; set it (or DROVER_KAFKA_BOOTSTRAP_SERVERS) to the Kafka brokers, host:port[,host:port]");
        }
        long started = System.nanoTime();
        String warning = "";
        int acks = 0;
        if (!dryRun) {
            try {
                AckReader.Result read = AckReader.read(settings, outbox::recordAcks);
                acks = read.acks().size();
                if (read.unreadable() > 0) {
                    warning = read.unreadable() + " record(s) on " + settings.ackTopic() + " are not acknowledgements "
                            + "({\"eventId\": ..., \"consumer\": ...}) and were skipped";
                }
            } catch (RuntimeException e) {
                warning = "acknowledgements not read from " + settings.ackTopic() + ": " + settings.redact(String.valueOf(e.getMessage()));
            }
        }
        List<OutboxEvent> events = outbox.events();
        List<Delivery> deliveries = outbox.deliveries();
        Set<String> acked = outbox.acked();
        Map<String, RunStatus> runs = new HashMap<>();
        for (RunRecord r : ledger.runs()) {
            runs.put(r.runId(), r.status());
        }
        Release.Plan plan = Release.plan(events, deliveries, acked, runs, Instant.now(), settings.phasedInterval(), retryFailed);
        List<Delivery> results = List.of();
        if (!dryRun && !plan.due().isEmpty()) {
            try (Publisher publisher = new Publisher(settings)) {
                results = publisher.publish(plan.due());
            }
            outbox.record(results);
        }
        NotifyResult result = new NotifyResult(dryRun, plan.due(), results, plan.held(), acks, warning,
                (System.nanoTime() - started) / 1e9);
        report(result);
        return result;
    }

    private void report(NotifyResult r) {
        if (!r.warning().isEmpty()) {
            out.println("notify: warning: " + r.warning());
        }
        if (r.dryRun()) {
            out.printf("notify: %d event(s) due (dry run, nothing sent), %d held%n", r.due().size(), r.held().size());
        } else {
            out.printf("notify: %d event(s) due, %d delivered, %d not delivered, %d held, %d acknowledgement(s) read (%.1f s)%n",
                    r.due().size(), r.delivered(), r.undelivered().size(), r.held().size(), r.acksRead(), r.seconds());
        }
        r.undelivered().stream().limit(10).forEach(d -> out.printf("  %s %s → %s: %s%n", d.status().label(), d.eventId(),
                d.topic(), d.error()));
        if (r.undelivered().size() > 10) {
            out.printf("  ... and %d more%n", r.undelivered().size() - 10);
        }
        r.held().stream().limit(10).forEach(h -> out.printf("  held %s: %s%n", h.event().eventId(), h.reason()));
        if (r.held().size() > 10) {
            out.printf("  ... and %d more held%n", r.held().size() - 10);
        }
        if (!r.undelivered().isEmpty()) {
            out.println("notify: undelivered events stay in the outbox; drover notify --retry-failed sends them again");
        }
    }
}
