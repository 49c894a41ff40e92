package dev.drover.notify;

import dev.drover.config.DroverConfig;
import dev.drover.config.NotifySettings;
import dev.drover.error.ConfigError;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RunRecord;
import dev.drover.model.RunStatus;
import dev.drover.outbox.Delivery;
import dev.drover.outbox.Outbox;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    private final java.util.function.Supplier<dev.drover.catalog.Catalog> catalog;

    /** A notifier writing through {@code ledger} (a handle on the application's ledger writer). */
    public Notifier(DroverConfig config, Ledger ledger, PrintStream out) {
        this(config, ledger, out, () -> dev.drover.catalog.Catalog.empty());
    }

    /** @param catalog read only when an endpoint event is due: its consumer's secret header */
    public Notifier(DroverConfig config, Ledger ledger, PrintStream out, java.util.function.Supplier<dev.drover.catalog.Catalog> catalog) {
        this.config = config;
        this.settings = config.notifications();
        this.ledger = ledger;
        this.outbox = new Outbox(ledger);
        this.out = out;
        this.catalog = catalog;
    }

    /** Bad input (exit 2) when no Kafka bootstrap servers are configured; callable before Spark starts. */
    public static void requireConfigured(DroverConfig config) {
        if (!config.notifications().configured()) {
            throw new ConfigError(config.confDir().resolve("drover.conf").toString(), "drover.notify.bootstrap-servers",
                    "is empty; set it (or DROVER_KAFKA_BOOTSTRAP_SERVERS) to the Kafka brokers, host:port[,host:port]");
        }
    }

    public NotifyResult run(boolean retryFailed, boolean dryRun) {
        requireConfigured(config);
        long started = System.nanoTime();
        Map<String, Double> phases = new java.util.LinkedHashMap<>();
        // The acknowledgements (Kafka) and the outbox read (Delta) are independent: run them at once.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var acksRead = pool.submit(() -> timed(phases, "read acknowledgements", () -> dryRun ? null : readAcks()));
            var state = pool.submit(() -> timed(phases, "read outbox", () -> outbox.state()));
            AckOutcome ackOutcome = get(acksRead);
            Outbox.State outboxState = get(state);
            Set<String> ackedIds = new java.util.HashSet<>(outboxState.acked());
            String warning = "";
            int acks = 0;
            if (ackOutcome != null) {
                warning = ackOutcome.warning();
                acks = ackOutcome.acks().size();
                ackOutcome.acks().forEach(a -> ackedIds.add(a.eventId()));
            }
            // Runs are read from the ledger only when some events lack their run's published marker.
            Set<String> unpublished = Release.unpublishedRuns(outboxState.events(), outboxState.deliveries(), outboxState.published());
            Map<String, RunStatus> runs = unpublished.isEmpty() ? Map.of() : timed(phases, "read runs", () -> {
                Map<String, RunStatus> byRun = new HashMap<>();
                for (RunRecord r : ledger.read().runs(unpublished)) {
                    byRun.put(r.runId(), r.status());
                }
                return byRun;
            });
            Release.Plan plan = Release.plan(outboxState.events(), outboxState.deliveries(), ackedIds, outboxState.published(),
                    runs, Instant.now(),
                    settings.phasedInterval(), retryFailed);
            List<Delivery> results = List.of();
            if (!dryRun && !plan.due().isEmpty()) {
                results = timed(phases, "publish", () -> deliver(plan.due(), outboxState.deliveries()));
                List<Delivery> recorded = results;
                timed(phases, "record deliveries", () -> {
                    outbox.record(recorded);
                    ledger.flush();
                    return null;
                });
            }
            NotifyResult result = new NotifyResult(dryRun, plan.due(), results, plan.held(), acks, warning,
                    (System.nanoTime() - started) / 1e9, phases);
            report(result);
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    private record AckOutcome(List<Outbox.Ack> acks, String warning) {}

    /**
     * Repositories first (a branch pushed gives its commit id), then endpoints and Kafka, whose
     * events carry the commit of their consumer's branch once it is pushed (this run or before).
     */
    private List<Delivery> deliver(List<Release.Due> due, List<Delivery> before) {
        Map<dev.drover.outbox.Channel, List<Release.Due>> byChannel = new java.util.EnumMap<>(dev.drover.outbox.Channel.class);
        due.forEach(d -> byChannel.computeIfAbsent(d.event().channel(), c -> new java.util.ArrayList<>()).add(d));
        List<Delivery> results = new java.util.ArrayList<>();
        List<Release.Due> repositories = byChannel.getOrDefault(dev.drover.outbox.Channel.REPOSITORY, List.of());
        if (!repositories.isEmpty()) {
            java.nio.file.Path work = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "drover-notify-repositories");
            results.addAll(new RepositorySender(config.deliveries(), work).send(repositories));
        }
        List<Delivery> known = new java.util.ArrayList<>(before);
        known.addAll(results);
        Map<String, Delivery> pushed = Branches.pushed(known);
        List<Release.Due> endpoints = byChannel.getOrDefault(dev.drover.outbox.Channel.ENDPOINT, List.of());
        if (!endpoints.isEmpty()) {
            dev.drover.catalog.Catalog consumers = catalog.get();
            EndpointSender sender = new EndpointSender(config.deliveries(), name -> consumers.consumer(name)
                    .flatMap(c -> c.code().secretHeader().map(h -> new EndpointSender.Secret(h, c.code().secretEnv().orElseThrow()))),
                    System::getenv);
            results.addAll(sender.send(Branches.withCommits(endpoints, pushed), e -> Events.cloudEvent(e, settings)));
        }
        List<Release.Due> kafka = byChannel.getOrDefault(dev.drover.outbox.Channel.KAFKA, List.of());
        if (!kafka.isEmpty()) {
            try (Publisher publisher = new Publisher(settings)) {
                results.addAll(publisher.publish(Branches.withCommits(kafka, pushed)));
            }
        }
        return results;
    }

    /** Acks up to the ack topic's end, recorded in the ledger before their offsets are committed. */
    private AckOutcome readAcks() {
        try {
            AckReader.Result read = AckReader.read(settings, acks -> {
                outbox.recordAcks(acks);
                ledger.flush();   // recorded before the offsets are committed
            });
            return new AckOutcome(read.acks(), read.unreadable() == 0 ? "" : read.unreadable() + " record(s) on "
                    + settings.ackTopic() + " are not acknowledgements ({\"eventId\": ..., \"consumer\": ...}) and were skipped");
        } catch (RuntimeException e) {
            return new AckOutcome(List.of(), "acknowledgements not read from " + settings.ackTopic() + ": "
                    + settings.redact(String.valueOf(e.getMessage())));
        }
    }

    private static <T> T timed(Map<String, Double> phases, String name, java.util.function.Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            synchronized (phases) {
                phases.put(name, (System.nanoTime() - start) / 1e9);
            }
        }
    }

    private static <T> T get(java.util.concurrent.Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
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
        r.outcomes().stream().filter(d -> d.status() == Delivery.Status.DELIVERED && !d.detail().isEmpty()).limit(20)
                .forEach(d -> out.printf("  delivered %s → %s: %s%n", d.eventId(), d.topic(), d.detail()));
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
