package dev.drover.delta;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;

/** The Delta operations Drover needs, by table location. */
public final class DeltaTables {
    private final SparkSession spark;

    public DeltaTables(SparkSession spark) {
        this.spark = spark;
    }

    public boolean exists(String location) {
        return DeltaTable.isDeltaTable(spark, location);
    }

    /** The latest version, or -1 when there is no table. */
    public long latestVersion(String location) {
        if (!exists(location)) {
            return -1;
        }
        return snapshot(location).version();
    }

    public Dataset<Row> read(String location, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(location);
    }

    /** The version last committed under an idempotent-write app id, if any. */
    public Optional<Long> committedTxnVersion(String location, String appId) {
        if (!exists(location)) {
            return Optional.empty();
        }
        scala.Option<Object> version = snapshot(location).transactions().get(appId);
        return version.isDefined() ? Optional.of((Long) version.get()) : Optional.empty();
    }

    /** Commits after {@code version}, oldest first: version and userMetadata. */
    public List<Commit> commitsAfter(String location, long version) {
        List<Commit> out = new ArrayList<>();
        for (Row row : DeltaTable.forPath(spark, location).history()
                .where("version > " + version).orderBy("version")
                .select("version", "operation", "userMetadata").collectAsList()) {
            out.add(new Commit(row.getLong(0), row.getString(1), row.isNullAt(2) ? null : row.getString(2)));
        }
        return out;
    }

    public Dataset<Row> history(String location) {
        return DeltaTable.forPath(spark, location).history();
    }

    /**
     * Restores the table to {@code version} in a new commit tagged with {@code tag}. RESTORE has
     * no writer options, so the tag goes through a child session's commitInfo setting, which
     * leaves the shared session untouched.
     */
    public void restore(String location, long version, CommitTag tag) {
        SparkSession child = spark.newSession();
        child.conf().set("spark.databricks.delta.commitInfo.userMetadata", tag.json());
        DeltaTable.forPath(child, location).restoreToVersion(version);
    }

    private Snapshot snapshot(String location) {
        return DeltaLog.forTableWithSnapshot(spark, location)._2();
    }

    /** One entry of a table's history. */
    public record Commit(long version, String operation, String userMetadata) {
        public Optional<CommitTag> tag() {
            return CommitTag.parse(userMetadata);
        }
    }
}
