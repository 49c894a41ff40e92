package dev.drover.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The most tasks each FAIR pool of a driver ran at once, from each finished task's launch and
 * finish times as the scheduler recorded them (counting start and end events instead would
 * overshoot: a task's end event can reach listeners after the next task's start). Delta's own
 * jobs over a table's log (their description starts with "Delta: ") are left out: a quota bounds
 * the jobs Drover runs, Delta's log replay keeps Delta's partitioning. Registered in
 * a driver process with {@code -Dspark.extraListeners=}; with {@code -Ddrover.test.pool-peaks=FILE}
 * it rewrites FILE ({@code pool=peak} lines) whenever a peak rises, so the figures survive a kill.
 */
public final class PoolTaskListener extends SparkListener {
    private final Map<Integer, String> poolOfStage = new ConcurrentHashMap<>();
    private final Map<String, List<long[]>> tasks = new TreeMap<>();
    private final Map<String, Integer> peaks = new TreeMap<>();
    /** Per pool, the stage (name and job description) whose task raised its peak last: what a failed quota check names. */
    private final Map<String, String> raisedBy = new TreeMap<>();
    private final Map<Integer, String> stageLabel = new ConcurrentHashMap<>();
    private final Path file;

    public PoolTaskListener() {
        String target = System.getProperty("drover.test.pool-peaks");
        this.file = target == null ? null : Path.of(target);
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        String pool = event.properties() == null ? null : event.properties().getProperty("spark.scheduler.pool");
        String description = event.properties() == null ? null : event.properties().getProperty("spark.job.description");
        if (description != null && description.startsWith("Delta: ")) {
            return;
        }
        poolOfStage.put(event.stageInfo().stageId(), pool == null ? "default" : pool);
        stageLabel.put(event.stageInfo().stageId(), event.stageInfo().name() + " | " + description);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd event) {
        String pool = poolOfStage.get(event.stageId());
        if (pool == null) {
            return;
        }
        List<long[]> intervals = tasks.computeIfAbsent(pool, p -> new ArrayList<>());
        intervals.add(new long[] {event.taskInfo().launchTime(), event.taskInfo().finishTime()});
        int peak = peak(intervals);
        if (peak > peaks.getOrDefault(pool, 0)) {
            peaks.put(pool, peak);
            raisedBy.put(pool, "stage " + event.stageId() + ": " + stageLabel.get(event.stageId()));
            write();
        }
    }

    /** The most intervals open at one time; one ending when another starts does not overlap it. */
    static int peak(List<long[]> intervals) {
        List<long[]> events = new ArrayList<>();
        for (long[] i : intervals) {
            events.add(new long[] {i[0], 1});
            events.add(new long[] {i[1], -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int open = 0;
        int most = 0;
        for (long[] e : events) {
            open += (int) e[1];
            most = Math.max(most, open);
        }
        return most;
    }

    public synchronized Map<String, Integer> peaks() {
        return new TreeMap<>(peaks);
    }

    private void write() {
        if (file == null) {
            return;
        }
        StringBuilder text = new StringBuilder();
        peaks.forEach((pool, peak) -> text.append(pool).append('=').append(peak).append('\n'));
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            StringBuilder why = new StringBuilder();
            raisedBy.forEach((pool, stage) -> why.append(pool).append(" peak ").append(peaks.get(pool)).append(" by ").append(stage).append('\n'));
            Files.writeString(file.resolveSibling(file.getFileName() + ".why"), why);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The peaks drivers wrote to {@code files}, the highest per pool. */
    static Map<String, Integer> read(Path... files) {
        Map<String, Integer> peaks = new TreeMap<>();
        try {
            for (Path file : files) {
                if (!Files.exists(file)) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    int eq = line.lastIndexOf('=');
                    peaks.merge(line.substring(0, eq), Integer.parseInt(line.substring(eq + 1)), Math::max);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return peaks;
    }

    /** Which stage raised each pool's peak, as the drivers that wrote {@code files} recorded it. */
    static String raisedBy(Path... files) {
        StringBuilder out = new StringBuilder();
        try {
            for (Path file : files) {
                Path why = file.resolveSibling(file.getFileName() + ".why");
                if (Files.exists(why)) {
                    out.append(file.getFileName()).append(":\n").append(Files.readString(why));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
