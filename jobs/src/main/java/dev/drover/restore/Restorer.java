package dev.drover.restore;

import dev.drover.delta.CommitTag;
import dev.drover.delta.DeltaTables;
import java.util.List;
import java.util.Optional;
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
    public List<DeltaTables.Commit> foreignCommits(String location, Optional<Long> snapshotVersion, String runId) {
        return delta.commitsAfter(location, snapshotVersion.orElse(-1L)).stream()
                .filter(c -> c.tag().map(t -> !t.run().equals(runId)).orElse(true))
                .toList();
    }

    /**
     * Deletes a run's rows from its target's quarantine table, in a new commit (time travel still
     * shows them): the quarantine then holds only rows of runs whose data is live. Each batch's
     * quarantine commit holds one run's rows only, so Delta drops whole files, rewriting none.
     */
    public void removeQuarantined(String quarantineLocation, String runId, CommitTag tag) {
        if (!delta.exists(quarantineLocation)) {
            return;
        }
        SparkSession child = spark.newSession();
        child.conf().set("spark.databricks.delta.commitInfo.userMetadata", tag.json());
        io.delta.tables.DeltaTable.forPath(child, quarantineLocation).delete(org.apache.spark.sql.functions.col("run_id").equalTo(runId));
    }

    public void restore(String location, Optional<Long> snapshotVersion, CommitTag tag) {
        if (!delta.exists(location)) {
            return;
        }
        if (snapshotVersion.isPresent()) {
            delta.restore(location, snapshotVersion.get(), tag);
            return;
        }
        StructType schema = delta.read(location, delta.latestVersion(location)).schema();
        spark.createDataFrame(List.of(), schema).write().format("delta").mode("overwrite")
                .option("userMetadata", tag.json()).save(location);
    }
}
