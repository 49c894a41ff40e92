package dev.drover.restore;

import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Puts a target back to its snapshot: RESTORE to the version before the run, or, for a table
 * the run created, an empty overwrite in a new commit (history kept, nothing deleted).
 */
public final class Restorer {
    private final SparkSession spark;
    private final DeltaTables delta;

    public Restorer(SparkSession spark) {
        this.spark = spark;
        this.delta = new DeltaTables(spark);
    }

    /** Commits made after the snapshot by anyone but this run. */
    public List<DeltaTables.Commit> foreignCommits(String location, long snapshotVersion, String runId) {
        return delta.commitsAfter(location, snapshotVersion).stream()
                .filter(c -> c.tag().map(t -> !t.run().equals(runId)).orElse(true))
                .toList();
    }

    public void restore(String location, long snapshotVersion, CommitTag tag) {
        if (!delta.exists(location)) {
            return;
        }
        if (snapshotVersion >= 0) {
            delta.restore(location, snapshotVersion, tag);
            return;
        }
        StructType schema = delta.read(location, delta.latestVersion(location)).schema();
        spark.createDataFrame(List.of(), schema).write().format("delta").mode("overwrite")
                .option("userMetadata", tag.json()).save(location);
    }
}
