package dev.drover.agent;

import static java.util.Objects.requireNonNull;

import dev.drover.common.Hosts;
import dev.drover.common.Messages;
import dev.drover.config.AgentSettings;
import dev.drover.config.DroverConfig;
import dev.drover.config.NotifySettings;
import dev.drover.error.ConflictError;
import dev.drover.error.DroverError;
import dev.drover.error.InputError;
import dev.drover.exec.KillPoints;
import dev.drover.fleet.FleetController;
import dev.drover.ledger.Ledger;
import dev.drover.ledger.RequestRecord;
import dev.drover.model.MigrationResult;
import dev.drover.model.RequestStatus;
import dev.drover.model.RollbackResult;
import dev.drover.model.ValidationResult;
import dev.drover.model.WaveOutcome;
import dev.drover.run.RunContext;
import dev.drover.wave.WaveResult;
import dev.drover.wave.WaveRunner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The long-running agent: takes requests from the requests topic and runs them with the wave
 * machinery of one {@link RunContext} ({@code drover.wave.parallel} at once, each migration in
 * its FAIR pool with its quota, the fleet's step policy on the backlog).
 * <p>
 * Once per request id: every request read is recorded in the ledger's {@code requests} table
 * (accepted, or refused with its one-line reason) before its offset is committed, so a kill
 * loses none and a redelivered or resent one is recognised; one that ended gets its reply again,
 * one that is under way is left to the run that has it. A restarted agent first answers what
 * ended unanswered and runs again what was accepted or started (a started migration resumes its
 * run from the ledger), then takes new requests.
 * <p>
 * {@link #drain()} (SIGTERM) stops taking requests, lets running ones finish for up to
 * {@code drover.agent.drain-timeout}, and leaves the others accepted for the next agent.
 */
public final class Agent {
    private final RunContext context;
    private final DroverConfig config;
    private final AgentSettings settings;
    private final NotifySettings kafka;
    private final PrintStream out;
    private final Optional<Duration> exitWhenIdle;
    /** Accepted requests waiting their turn, each with its state as recorded in the ledger. */
    private final LinkedBlockingDeque<Queued> queue = new LinkedBlockingDeque<>();
    private final AtomicInteger running = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private final Object drained = new Object();
    private volatile boolean draining;
    private volatile boolean stopped;
    private volatile long lag;
    private KafkaConsumer<String, String> consumer;
    private KafkaProducer<String, String> producer;

    public Agent(dev.drover.api.Drover drover, PrintStream out, Optional<Duration> exitWhenIdle) {
        this.context = requireNonNull(drover, "drover is null").context();
        this.config = context.config();
        this.settings = config.agent();
        this.kafka = config.notifications();
        this.out = requireNonNull(out, "out is null");
        this.exitWhenIdle = requireNonNull(exitWhenIdle, "exitWhenIdle is null");
    }

    /** Serves requests until {@link #drain()} (or, with exit-when-idle, until nothing came for that long). */
    public void run() {
        ensureTopics();
        int parallel = config.wave().parallel();
        producer = new KafkaProducer<>(Replies.producer(kafka, "drover-agent-replies"));
        consumer = new KafkaConsumer<>(Replies.consumer(kafka, settings.groupId(), "drover-agent"));
        Optional<FleetController> fleet = FleetController.start(context.spark(), context.ledger(), config.fleet(), context.backlog(),
                () -> "agent-" + Hosts.name() + "-" + ProcessHandle.current().pid());
        try {
            int resumed = resume();
            for (int i = 0; i < parallel; i++) {
                Thread t = new Thread(this::work, "drover-agent-" + (i + 1));
                t.setDaemon(true);
                t.start();
                workers.add(t);
            }
            consumer.subscribe(List.of(settings.requestsTopic()));
            out.printf("agent: taking requests from %s (group %s), %d at once; replies to %s%s%n", settings.requestsTopic(),
                    settings.groupId(), parallel, settings.repliesTopic(), resumed > 0 ? "; " + resumed + " resumed from the ledger" : "");
            Instant idleSince = Instant.now();
            while (!draining) {
                ConsumerRecords<String, String> records;
                try {
                    records = consumer.poll(settings.pollInterval());
                } catch (WakeupException e) {
                    break;
                }
                if (!records.isEmpty()) {
                    try {
                        take(records);
                    } catch (WakeupException e) {
                        break;   // SIGTERM in a consumer call: what was read is recorded; a redelivery is recognised
                    }
                    idleSince = Instant.now();
                }
                lag = lag();
                context.backlog().setWaiting(lag + queue.size());
                if (!queue.isEmpty() || running.get() > 0 || lag > 0) {
                    idleSince = Instant.now();
                } else if (exitWhenIdle.isPresent() && Duration.between(idleSince, Instant.now()).compareTo(exitWhenIdle.get()) >= 0) {
                    out.printf("agent: no request for %s; stopping%n", human(exitWhenIdle.get()));
                    break;
                }
            }
            draining = true;
            awaitWorkers(config.agent().drainTimeout());
        } finally {
            draining = true;
            context.backlog().setWaiting(0);
            fleet.ifPresent(FleetController::close);
            closeQuietly(consumer);
            producer.close(Duration.ofSeconds(10));
            // every record (the replied marks too) in before Spark's own shutdown may stop the session
            context.drainLedger();
            stopped = true;
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** SIGTERM: no new request starts; waits for the running ones (up to the drain timeout) and the agent's end. */
    public void drain() {
        if (stopped) {
            return;
        }
        out.printf("agent: stopping: no new requests; %d running, %d waiting (left for the next agent)%n", running.get(), queue.size());
        draining = true;
        if (consumer != null) {
            consumer.wakeup();
        }
        long until = System.nanoTime() + config.agent().drainTimeout().plusSeconds(15).toNanos();
        synchronized (drained) {
            while (!stopped && System.nanoTime() < until) {
                try {
                    drained.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The requests topic's messages not yet read by this agent's group (what the fleet also scales on). */
    private long lag() {
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            if (assigned.isEmpty()) {
                return 0;
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, Duration.ofSeconds(5));
            long total = 0;
            for (TopicPartition tp : assigned) {
                total += Math.max(0, end.getOrDefault(tp, 0L) - consumer.position(tp, Duration.ofSeconds(5)));
            }
            return total;
        } catch (RuntimeException e) {
            return lag;
        }
    }

    /** One poll's requests: each recorded (and answered) once, then their offsets committed. */
    private void take(ConsumerRecords<String, String> records) {
        Ledger ledger = context.ledger();
        Map<String, ConsumerRecord<String, String>> byId = new LinkedHashMap<>();
        Map<String, AgentRequest> parsed = new HashMap<>();
        List<RequestRecord> answered = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            String where = r.topic() + "[" + r.partition() + "]@" + r.offset();
            try {
                AgentRequest request = AgentRequest.parse(r.value(), where);
                byId.putIfAbsent(request.id(), r);
                parsed.putIfAbsent(request.id(), request);
            } catch (InputError e) {
                // not even an id to answer by: recorded under where it was read
                RequestRecord refused = new RequestRecord(where, "", "", "", RequestStatus.REFUSED, "", Messages.firstLine(e.getMessage()),
                        2, false, truncate(String.valueOf(r.value()), 4000), r.partition(), r.offset(), Instant.now(), Hosts.name(),
                        ProcessHandle.current().pid());
                ledger.record(refused);
                answered.add(refused);
                lines.add(String.format("request at %s: refused: %s", where, refused.message()));
            }
        }
        Map<String, RequestRecord> known = new HashMap<>();
        context.ledgerReader().requests(byId.keySet()).forEach(k -> known.put(k.requestId(), k));
        List<Queued> accepted = new ArrayList<>();
        for (Map.Entry<String, AgentRequest> e : parsed.entrySet()) {
            AgentRequest request = e.getValue();
            ConsumerRecord<String, String> r = byId.get(e.getKey());
            RequestRecord before = known.get(request.id());
            if (before != null) {
                if (before.status().ended()) {
                    lines.add(String.format("request %s: seen again; it %s before (run %s): same reply", request.id(),
                            before.status().label(), before.runId().isEmpty() ? "-" : before.runId()));
                    answered.add(before);
                } else {
                    lines.add(String.format("request %s: seen again; it is %s already", request.id(), before.status().label()));
                }
                continue;
            }
            RequestRecord first;
            try {
                AgentRequest.Work work = request.resolve(context.specs(), context.catalog());
                first = accepted(request, work.target(), r);
                accepted.add(new Queued(work, first));
                lines.add(String.format("request %s: accepted: %s %s (by %s)", request.id(), request.kind().label(), work.target(),
                        request.requester().isEmpty() ? request.source() : request.requester()));
            } catch (InputError refused) {
                first = accepted(request, request.named(), r).with(RequestStatus.REFUSED, "", Messages.firstLine(refused.getMessage()), 2);
                lines.add(String.format("request %s: refused: %s", request.id(), first.message()));
            }
            ledger.record(first);
            answered.add(first);
        }
        // recorded before the offsets move on: a kill from here on loses no request
        ledger.flush();
        lines.forEach(out::println);
        KillPoints.reached("agent-recorded");
        for (RequestRecord a : answered) {
            reply(ledger, a);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            // SIGTERM while committing: the requests are recorded, so commit still (the wakeup is spent)
            consumer.commitSync(offsets);
        }
        accepted.forEach(queue::addLast);
    }

    private static RequestRecord accepted(AgentRequest request, String target, ConsumerRecord<String, String> read) {
        return new RequestRecord(request.id(), request.kind().label(), request.requester(), target, RequestStatus.ACCEPTED, "", "", 0,
                false, request.json(), read.partition(), read.offset(), Instant.now(), Hosts.name(), ProcessHandle.current().pid());
    }

    /**
     * What ended without its reply delivered is answered; what was accepted or started is run
     * again (before any new request), a started migration resuming its run.
     */
    private int resume() {
        Ledger ledger = context.ledger();
        List<RequestRecord> all = new ArrayList<>(context.ledgerReader().requests());
        java.util.Collections.reverse(all);   // oldest first
        int n = 0;
        for (RequestRecord r : all) {
            if (r.status().ended()) {
                if (!r.replied()) {
                    reply(ledger, r);
                }
                continue;
            }
            try {
                AgentRequest.Work work = AgentRequest.parse(r.request(), "ledger request " + r.requestId())
                        .resolve(context.specs(), context.catalog());
                queue.addLast(new Queued(work, r));
                n++;
                out.printf("request %s: resumed (%s when the last agent stopped): %s %s%n", r.requestId(), r.status().label(), r.kind(), r.target());
            } catch (InputError e) {
                RequestRecord failed = r.with(RequestStatus.FAILED, r.runId(), "cannot resume: " + Messages.firstLine(e.getMessage()), 2);
                ledger.record(failed);
                ledger.flush();
                reply(ledger, failed);
            }
        }
        ledger.flush();
        return n;
    }

    private void work() {
        while (!draining) {
            Queued work;
            try {
                work = queue.pollFirst(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (work == null) {
                continue;
            }
            if (draining) {
                queue.addFirst(work);   // left accepted in the ledger: the next agent runs it
                return;
            }
            running.incrementAndGet();
            try {
                serve(work);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    /** Runs one request to its end and answers it: started, then succeeded, failed or rolled-back. */
    private void serve(Queued queued) {
        Ledger ledger = context.ledger();
        AgentRequest.Work work = queued.work();
        AgentRequest request = work.request();
        RequestRecord[] current = {queued.state()};
        long started = System.nanoTime();
        RequestRecord end;
        try {
            end = switch (request.kind()) {
                case MIGRATE -> {
                    MigrationResult r = context.runner().migrate(work.spec().orElseThrow(), work.allowChangedSpec(), runId -> {
                        current[0] = current[0].with(RequestStatus.STARTED, runId, "", 0);
                        ledger.record(current[0]);
                        ledger.flush();   // which run has the request, before the run touches the target
                        out.printf("request %s: started run %s of %s%n", request.id(), runId, work.target());
                        send(current[0]);
                    });
                    yield switch (r.outcome()) {
                        case SUCCEEDED, ALREADY_APPLIED -> current[0].with(RequestStatus.SUCCEEDED, r.runId(), r.outcome() == MigrationResult.Outcome.ALREADY_APPLIED
                                ? r.message() : String.format("%,d rows written, %,d quarantined%s", r.rowsWritten(), r.rowsQuarantined(),
                                r.message().isEmpty() ? "" : "; " + r.message()), 0);
                        case FAILED -> current[0].with(RequestStatus.ROLLED_BACK, r.runId(), r.message(), 1);
                    };
                }
                case WAVE -> {
                    current[0] = current[0].with(RequestStatus.STARTED, "", "", 0);
                    ledger.record(current[0]);
                    send(current[0]);
                    WaveRunner waves = new WaveRunner(context.withOut(new PrintStream(OutputStream.nullOutputStream())), out);
                    work.request().maxRows().ifPresent(waves::batchMaxRows);
                    WaveResult r = waves.run(work.selection().orElseThrow(), work.allowChangedSpec(), config.wave().parallel());
                    long failed = r.count(WaveOutcome.FAILED);
                    String summary = String.format("wave %s: %d passed, %d failed, %d held, %d skipped, %d applied before", r.waveId(),
                            r.count(WaveOutcome.PASSED), failed, r.count(WaveOutcome.HELD), r.count(WaveOutcome.SKIPPED), r.alreadyApplied().size());
                    yield r.passed() ? current[0].with(RequestStatus.SUCCEEDED, r.waveId(), summary, 0)
                            : current[0].with(failed > 0 ? RequestStatus.ROLLED_BACK : RequestStatus.FAILED, r.waveId(), summary, failed > 0 ? 1 : 3);
                }
                case ROLLBACK -> {
                    String runId = work.runId().orElseThrow();
                    current[0] = current[0].with(RequestStatus.STARTED, runId, "", 0);
                    ledger.record(current[0]);
                    send(current[0]);
                    RollbackResult r = context.runner().rollback(runId, work.force());
                    yield current[0].with(RequestStatus.SUCCEEDED, runId, r.message(), 0);
                }
                case SYNC -> {
                    current[0] = current[0].with(RequestStatus.STARTED, "", "", 0);
                    ledger.record(current[0]);
                    send(current[0]);
                    boolean verify = request.flag("verify");
                    if (work.selection().isPresent()) {
                        WaveRunner waves = new WaveRunner(context.withOut(new PrintStream(OutputStream.nullOutputStream())), out);
                        WaveResult r = waves.sync(work.selection().get(), config.wave().parallel(), verify);
                        long failed = r.count(WaveOutcome.FAILED);
                        String summary = String.format("wave %s: %d window(s) in step, %d failed, %d held", r.waveId(),
                                r.count(WaveOutcome.PASSED), failed, r.count(WaveOutcome.HELD));
                        yield r.passed() ? current[0].with(RequestStatus.SUCCEEDED, r.waveId(), summary, 0)
                                : current[0].with(failed > 0 ? RequestStatus.ROLLED_BACK : RequestStatus.FAILED, r.waveId(), summary, failed > 0 ? 1 : 3);
                    }
                    dev.drover.model.SyncResult r = context.syncs().sync(work.spec().orElseThrow(), verify);
                    String summary = r.outcome() == dev.drover.model.SyncResult.Outcome.UP_TO_DATE ? r.message()
                            : String.format("versions %d..%d: %,d inserted, %,d updated, %,d deleted, %,d quarantined", r.fromVersion(),
                                    r.toVersion(), r.inserted(), r.updated(), r.deleted(), r.quarantined());
                    yield r.outcome().passed() ? current[0].with(RequestStatus.SUCCEEDED, r.syncId(), summary, 0)
                            : current[0].with(RequestStatus.ROLLED_BACK, r.syncId(), r.message(), 1);
                }
                case RETIRE -> {
                    current[0] = current[0].with(RequestStatus.STARTED, "", "", 0);
                    ledger.record(current[0]);
                    send(current[0]);
                    dev.drover.model.RetireResult r = context.syncs().retire(work.spec().orElseThrow(), work.force(),
                            request.requester().isEmpty() ? "agent" : request.requester());
                    yield current[0].with(RequestStatus.SUCCEEDED, "", r.source() + " retired; " + r.told().size()
                            + " consumer(s) told in the outbox; catalog: " + (r.catalogWritten() ? "" : "to do: ") + r.catalogChange(), 0);
                }
                case VALIDATE -> {
                    String runId = work.runId().orElseThrow();
                    current[0] = current[0].with(RequestStatus.STARTED, runId, "", 0);
                    ledger.record(current[0]);
                    send(current[0]);
                    ValidationResult r = context.runner().validate(runId);
                    yield r.passed() ? current[0].with(RequestStatus.SUCCEEDED, runId, "every check passed", 0)
                            : current[0].with(RequestStatus.FAILED, runId, r.message(), 1);
                }
            };
        } catch (ConflictError e) {
            end = current[0].with(RequestStatus.FAILED, current[0].runId(), Messages.firstLine(e.getMessage()), 3);
        } catch (DroverError e) {
            end = current[0].with(RequestStatus.FAILED, current[0].runId(), Messages.firstLine(e.getMessage()), e instanceof InputError ? 2 : 1);
        } catch (RuntimeException e) {
            end = current[0].with(RequestStatus.FAILED, current[0].runId(), "error: " + Messages.firstLine(String.valueOf(e.getMessage())), 1);
        }
        // the end is in the ledger before it is told: a kill in between answers it when an agent starts
        ledger.record(end);
        ledger.flush();
        out.printf("request %s: %s%s (%.1f s)%s%n", request.id(), end.status().label(), end.runId().isEmpty() ? "" : " (run " + end.runId() + ")",
                (System.nanoTime() - started) / 1e9, end.message().isEmpty() ? "" : ": " + end.message());
        KillPoints.reached("agent-ended:" + request.id());
        reply(ledger, end);
    }

    /** Sends the reply of {@code state} and waits for the broker; an ended one is then marked replied. */
    private void reply(Ledger ledger, RequestRecord state) {
        if (send(state) && state.status().ended()) {
            ledger.record(state.asReplied());
        }
    }

    private boolean send(RequestRecord state) {
        try {
            producer.send(new ProducerRecord<>(settings.repliesTopic(), state.requestId(), Replies.reply(state, settings)))
                    .get(kafka.deliveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            out.printf("request %s: the %s reply was not delivered (%s); it is sent again when an agent starts%n", state.requestId(),
                    state.status().label(), kafka.redact(Messages.firstLine(String.valueOf(e.getMessage()))));
            return false;
        }
    }

    private void awaitWorkers(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        for (Thread t : workers) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (running.get() > 0) {
            out.printf("agent: %d request(s) still running after %s; left to resume when an agent starts%n", running.get(),
                    human(timeout));
        }
        context.ledger().flush();
    }

    /** The requests and replies topics, made (one partition, as a local broker would) when missing. */
    private void ensureTopics() {
        Map<String, Object> admin = new HashMap<>(kafka.kafka());
        admin.put("bootstrap.servers", kafka.bootstrapServers());
        admin.put("default.api.timeout.ms", (int) Math.max(5000, kafka.maxBlock().toMillis()));
        admin.put("request.timeout.ms", (int) Math.max(5000, kafka.maxBlock().toMillis()));
        try (Admin client = Admin.create(admin)) {
            Set<String> existing = new HashSet<>(client.listTopics().names().get(kafka.maxBlock().toMillis() + 5000, TimeUnit.MILLISECONDS));
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : List.of(settings.requestsTopic(), settings.repliesTopic())) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.empty(), Optional.empty()));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    client.createTopics(missing).all().get(kafka.maxBlock().toMillis() + 5000, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the agent's topics");
        } catch (ExecutionException | TimeoutException e) {
            throw new InputError("", "drover.notify.bootstrap-servers", "the Kafka broker at " + kafka.bootstrapServers()
                    + " did not answer (" + kafka.redact(Messages.firstLine(String.valueOf(e.getCause() == null ? e : e.getCause()))) + ")");
        }
    }

    private static void closeQuietly(KafkaConsumer<String, String> c) {
        if (c == null) {
            return;
        }
        try {
            c.close(Duration.ofSeconds(5));
        } catch (RuntimeException ignored) {
            // closing after a wakeup may throw it again; nothing is left to commit
        }
    }

    private record Queued(AgentRequest.Work work, RequestRecord state) {}

    private static String human(Duration d) {
        return d.toSeconds() % 60 == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toMillis() / 1000.0 + " s";
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
