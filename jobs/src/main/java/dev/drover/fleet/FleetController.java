package dev.drover.fleet;

import static java.util.Objects.requireNonNull;

import dev.drover.config.FleetSettings;
import dev.drover.exec.Backlog;
import dev.drover.ledger.FleetRecord;
import dev.drover.ledger.Ledger;
import dev.drover.model.FleetEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.sql.SparkSession;

/**
 * The fleet of a cluster application: records every executor Spark adds or removes, and runs
 * the step policy on top of dynamic allocation: when the backlog stays above
 * {@code drover.fleet.scale-up.backlog} for {@code scale-up.after}, it asks for
 * {@code scale-up.step} more executors (never above {@code max-executors}), again at most every
 * {@code scale-up.after} while the backlog stays high, and asks for nothing once it drains.
 * Dynamic allocation itself releases idle executors. Every change is a row of the ledger's
 * {@code fleet} table. Local masters have no fleet: nothing starts.
 */
public final class FleetController implements AutoCloseable {
    private final SparkContext sc;
    private final Ledger ledger;
    private final FleetSettings settings;
    private final Backlog backlog;
    private final Supplier<String> waveId;
    private final Set<String> alive = ConcurrentHashMap.newKeySet();
    private final SparkListener listener;
    private final ScheduledExecutorService policy;
    private Instant aboveSince;
    private Instant lastRequest;

    private FleetController(SparkSession spark, Ledger ledger, FleetSettings settings, Backlog backlog, Supplier<String> waveId) {
        this.sc = spark.sparkContext();
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.backlog = requireNonNull(backlog, "backlog is null");
        this.waveId = requireNonNull(waveId, "waveId is null");
        scala.collection.JavaConverters.seqAsJavaList(sc.getExecutorIds()).forEach(alive::add);
        this.listener = new SparkListener() {
            @Override
            public void onExecutorAdded(SparkListenerExecutorAdded event) {
                alive.add(event.executorId());
                record(FleetEvent.ADDED, event.executorId(), event.executorInfo().executorHost(), event.executorInfo().totalCores(),
                        backlog.pending(), "granted by the cluster manager");
            }

            @Override
            public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
                alive.remove(event.executorId());
                record(FleetEvent.REMOVED, event.executorId(), "", 0, backlog.pending(), event.reason());
            }
        };
        sc.addSparkListener(listener);
        this.policy = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drover-fleet");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, settings.policyInterval().toMillis());
        policy.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** A controller for {@code spark}'s fleet, or empty under a local master (no executors to scale). */
    public static Optional<FleetController> start(SparkSession spark, Ledger ledger, FleetSettings settings, Backlog backlog,
                                                  Supplier<String> waveId) {
        if (spark.sparkContext().isLocal()) {
            return Optional.empty();
        }
        return Optional.of(new FleetController(spark, ledger, settings, backlog, waveId));
    }

    /** Executors alive now, as the listener saw them come and go. */
    public int executors() {
        return alive.size();
    }

    private synchronized void tick() {
        long pending = backlog.pending();
        Instant now = Instant.now();
        if (pending <= settings.scaleUpBacklog()) {
            aboveSince = null;
            return;
        }
        if (aboveSince == null) {
            aboveSince = now;
            return;
        }
        Duration above = Duration.between(aboveSince, now);
        boolean due = lastRequest == null || Duration.between(lastRequest, now).compareTo(settings.scaleUpAfter()) >= 0;
        int room = settings.maxExecutors() - alive.size();
        if (above.compareTo(settings.scaleUpAfter()) >= 0 && due && room > 0) {
            int more = Math.min(settings.scaleUpStep(), room);
            boolean acknowledged = sc.requestExecutors(more);
            lastRequest = now;
            // the row carries the backlog the decision was taken on, not one measured again afterwards
            record(FleetEvent.REQUESTED, "", "", 0, pending, String.format("backlog %d above %d for %.0f s: %d more executor(s)%s",
                    pending, settings.scaleUpBacklog(), above.toMillis() / 1e3, more, acknowledged ? "" : " (not acknowledged)"));
        }
    }

    private void record(FleetEvent event, String executor, String host, int cores, long pending, String reason) {
        ledger.recordFleet(new FleetRecord(Instant.now(), event, executor, host, cores, reason, pending, alive.size(),
                waveId.get(), sc.applicationId()));
    }

    /** Stops the policy and the listener; the fleet's rows are committed before this returns. */
    @Override
    public void close() {
        policy.shutdownNow();
        sc.removeSparkListener(listener);
        ledger.flush();
    }
}
