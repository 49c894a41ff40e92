package dev.drover.storage;

import dev.drover.config.Locations;
import dev.drover.error.InputError;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/** Where a location lives (a local disk, S3) and what that means for locks and Delta's log store. */
public final class ObjectStorage {
    private static final Set<String> S3 = Set.of("s3a", "s3", "s3n");

    private ObjectStorage() {}

    public static boolean isS3(String location) {
        return S3.contains(scheme(location));
    }

    private static String scheme(String location) {
        return Locations.isUri(location) ? location.substring(0, location.indexOf(':')).toLowerCase(Locale.ROOT) : "file";
    }

    /** The lock files of a state folder: {@code <state-dir>/locks} on a local disk or on S3. */
    public static LockFiles locks(String stateDir, Configuration hadoop) {
        Path local = Locations.localPath(stateDir);
        if (local != null) {
            return new LocalLockFiles(local.resolve("locks"));
        }
        if (isS3(stateDir)) {
            URI uri = URI.create(stateDir + "/locks");
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                throw new InputError("", "drover.state-dir", "expected s3a://bucket/folder, got " + stateDir);
            }
            return new S3LockFiles(uri, hadoop);
        }
        throw new InputError("", "drover.state-dir", "run locks need the state folder on a local disk or on S3 (s3a://bucket/folder); got "
                + stateDir);
    }

    /**
     * Whether Delta writes {@code location} with {@code S3SingleDriverLogStore}: what it picks for
     * S3 unless a log store is configured (the DynamoDB one, for several writing applications).
     * That store keeps commits safe only while one application at a time writes a table.
     */
    public static boolean singleDriverLogStore(SparkSession spark, String location) {
        if (!isS3(location)) {
            return false;
        }
        var conf = spark.conf();
        String store = conf.getOption("spark.delta.logStore." + scheme(location) + ".impl")
                .getOrElse(() -> conf.getOption("spark.delta.logStore.class").getOrElse(() -> ""));
        return store.isBlank() || store.endsWith("S3SingleDriverLogStore");
    }

    private static final java.util.regex.Pattern S3_PATH = java.util.regex.Pattern.compile("(s3[an]?://[^\\s:;,)'\"]+)");
    private static final java.util.regex.Pattern ERROR_CODE = java.util.regex.Pattern.compile("Error Code: (\\w+)");

    /**
     * The one line to show for an object store refusing Drover's credentials or lacking a bucket
     * (bad input: exit 2), or empty for any other failure. Built from the path and the store's
     * error code only, never from the request (which may carry a key).
     */
    public static Optional<String> refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            java.util.regex.Matcher path = S3_PATH.matcher(message);
            String where = path.find() ? path.group(1) : "the object store";
            java.util.regex.Matcher code = ERROR_CODE.matcher(message);
            String error = code.find() ? code.group(1) : "AccessDenied";
            boolean denied = t instanceof java.nio.file.AccessDeniedException && where.startsWith("s3")
                    || t instanceof com.amazonaws.services.s3.model.AmazonS3Exception s3 && s3.getStatusCode() == 403;
            if (denied) {
                if (t instanceof com.amazonaws.services.s3.model.AmazonS3Exception s3 && s3.getErrorCode() != null) {
                    error = s3.getErrorCode();
                }
                return Optional.of(where + ": access denied by the object store (" + error + "); check the keys in "
                        + "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or drover.storage.s3.credentials-provider");
            }
            if (t.getClass().getName().equals("org.apache.hadoop.fs.s3a.UnknownStoreException")
                    || t instanceof com.amazonaws.services.s3.model.AmazonS3Exception s3 && "NoSuchBucket".equals(s3.getErrorCode())) {
                return Optional.of(where + ": the bucket does not exist (create it, or check drover.warehouse, drover.state-dir "
                        + "and drover.storage.s3.endpoint)");
            }
        }
        return Optional.empty();
    }
}
