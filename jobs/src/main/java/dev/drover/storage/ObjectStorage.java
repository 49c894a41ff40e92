package dev.drover.storage;

import dev.drover.common.Messages;
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

    /**
     * Fails at once when an S3 endpoint is configured ({@code endpoint}: a URL, or host[:port])
     * and does not accept a connection within {@code timeout}: the S3 client retries a refused
     * connection inside S3A's own retries for many minutes, which looks like a hang. One TCP
     * connect, no request; nothing when no endpoint is set (AWS's own). The failure is an
     * {@link java.net.UnknownHostException} or a {@link java.net.ConnectException} naming
     * host:port, which {@link #unreachable} turns into the line naming the setting.
     */
    public static void requireReachable(String endpoint, java.time.Duration timeout) {
        if (endpoint == null || endpoint.isBlank()) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(endpoint.contains("://") ? endpoint.trim() : "https://" + endpoint.trim());
        } catch (IllegalArgumentException e) {
            return;   // not a URL Drover can probe: the S3 client reports it
        }
        if (uri.getHost() == null) {
            return;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), port), (int) timeout.toMillis());
        } catch (java.net.UnknownHostException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (java.io.IOException e) {
            java.net.ConnectException refused = new java.net.ConnectException(
                    Optional.ofNullable(e.getMessage()).orElse("connect failed") + " to " + uri.getHost() + ":" + port);
            refused.initCause(e);
            throw new java.io.UncheckedIOException(refused);
        }
    }

    /**
     * The one line to show for storage that cannot be reached (bad input: exit 2), or empty: an
     * unknown host, a refused connection, no route, a connect timeout, on any scheme (hdfs, s3a,
     * abfs, gs, …). {@code settings} are the configured locations by setting name
     * ({@code drover.state-dir} → {@code hdfs://nn/x}); the line names the one whose host failed.
     */
    public static Optional<String> unreachable(Throwable failure, java.util.Map<String, String> settings) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            String why;
            String host;
            if (t instanceof java.net.UnknownHostException) {
                host = message.split("[:\\s]", 2)[0].trim();
                why = "host " + host + " is unknown (no such name in DNS)";
            } else if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.SocketTimeoutException && message.toLowerCase(Locale.ROOT).contains("connect")) {
                java.util.regex.Matcher m = HOST_PORT.matcher(Optional.ofNullable(failure.getMessage()).orElse("") + " " + message);
                host = m.find() ? m.group(1) : "";
                why = "cannot be reached" + (host.isEmpty() ? "" : " at " + host + (m.group(2) == null ? "" : ":" + m.group(2))) + " ("
                        + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + Messages.firstLine(t.getMessage()).split("; For more details")[0]) + ")";
            } else {
                continue;
            }
            String setting = null;
            for (java.util.Map.Entry<String, String> e : settings.entrySet()) {
                String h = host(e.getValue());
                if (!host.isEmpty() && h != null && sameHost(h, host)) {
                    setting = e.getKey();
                    break;
                }
            }
            return Optional.of(setting == null ? "storage: " + why + "; check drover.warehouse, drover.state-dir and the catalog's locations"
                    : setting + ": " + settings.get(setting) + ": " + why + "; check the setting, and that the storage is up and reachable from here");
        }
        return Optional.empty();
    }

    private static final java.util.regex.Pattern HOST_PORT = java.util.regex.Pattern.compile(
            "(?:to|connect to|Connect to)\\s+([A-Za-z0-9.-]+)(?::(\\d+))?");

    /** The same name, or two names of one address ({@code localhost} and {@code 127.0.0.1}). */
    private static boolean sameHost(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        try {
            return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static String host(String location) {
        if (location == null || !Locations.isUri(location)) {
            return null;
        }
        try {
            URI uri = URI.create(location);
            return uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
