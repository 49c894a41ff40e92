package dev.drover.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.model.AmazonS3Exception;
import dev.drover.error.ConflictError;
import dev.drover.error.InputError;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStorageTest {
    @TempDir
    Path dir;

    @Test
    void s3SchemesAreObjectStorage() {
        assertTrue(ObjectStorage.isS3("s3a://bucket/warehouse"));
        assertTrue(ObjectStorage.isS3("S3://bucket/x"));
        assertFalse(ObjectStorage.isS3("file:/tmp/x"));
        assertFalse(ObjectStorage.isS3("hdfs://nn/x"));
        assertFalse(ObjectStorage.isS3("warehouse/users"));
    }

    @Test
    void locksLiveOnALocalDiskOrS3AndNowhereElse() {
        assertTrue(ObjectStorage.locks(dir.toUri().toString(), new Configuration()) instanceof LocalLockFiles);
        assertTrue(ObjectStorage.locks("s3a://bucket/state", new Configuration()) instanceof S3LockFiles);
        var hdfs = assertThrows(InputError.class, () -> ObjectStorage.locks("hdfs://nn/state", new Configuration()));
        assertTrue(hdfs.getMessage().contains("drover.state-dir: run locks need the state folder on a local disk or on S3"), hdfs.getMessage());
    }

    @Test
    void aRefusalOfTheStoreIsOneLineWithoutTheRequest() {
        var denied = new RuntimeException("job failed", new AccessDeniedException("s3a://lake/warehouse/_drover/ledger/runs: getFileStatus on "
                + "s3a://lake/warehouse/_drover/ledger/runs: com.amazonaws.services.s3.model.AmazonS3Exception: Forbidden (Service: "
                + "Amazon S3; Status Code: 403; Error Code: InvalidAccessKeyId; Request ID: 1), AKIDSECRETISH"));
        String line = ObjectStorage.refusal(denied).orElseThrow();
        assertEquals("s3a://lake/warehouse/_drover/ledger/runs: access denied by the object store (InvalidAccessKeyId); check the keys in "
                + "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or drover.storage.s3.credentials-provider", line);
        AmazonS3Exception lock = new AmazonS3Exception("The request signature we calculated does not match");
        lock.setStatusCode(403);
        lock.setErrorCode("SignatureDoesNotMatch");
        assertTrue(ObjectStorage.refusal(lock).orElseThrow().contains("(SignatureDoesNotMatch)"));
        AmazonS3Exception bucket = new AmazonS3Exception("The specified bucket does not exist");
        bucket.setStatusCode(404);
        bucket.setErrorCode("NoSuchBucket");
        assertTrue(ObjectStorage.refusal(bucket).orElseThrow().contains("the bucket does not exist"));
        var unknown = new org.apache.hadoop.fs.s3a.UnknownStoreException("s3a://none/w/_delta_log", "Bucket none does not exist", bucket);
        assertEquals("s3a://none/w/_delta_log: the bucket does not exist", ObjectStorage.refusal(new java.io.IOException("wrapped", unknown))
                .orElseThrow().replaceAll(" \\(create it.*", ""), "the path, without the quotes Hadoop puts around it");
        assertTrue(ObjectStorage.refusal(new IllegalStateException("disk full")).isEmpty(), "other failures are not input errors");
    }

    @Test
    void aLocalLockIsHeldOnceAndAbandonedWhenItsProcessIsGone() {
        LockFiles files = ObjectStorage.locks(dir.toUri().toString(), new Configuration());
        try (RunLock held = RunLock.acquire(files, "users-v2.lock", "run-1", Duration.ofMinutes(1), Duration.ofSeconds(10))) {
            var second = assertThrows(ConflictError.class, () -> RunLock.acquire(files, "users-v2.lock", "run-2", Duration.ofMinutes(1),
                    Duration.ofSeconds(10)));
            assertTrue(second.getMessage().startsWith("dataset users-v2 is held by run run-1"), second.getMessage());
            assertEquals("run-1", RunLock.holder(files, "users-v2.lock", Duration.ofMinutes(1)).orElseThrow().run());
        }
        assertTrue(files.read("users-v2.lock").isEmpty(), "let go");
        // a holder on this host whose process is gone: taken over at once
        String dead = "{\"run\":\"old\",\"host\":\"" + dev.drover.common.Hosts.name() + "\",\"pid\":" + Long.MAX_VALUE
                + ",\"heartbeat\":\"2026-01-01T00:00:00Z\"}";
        assertTrue(files.createNew("users-v2.lock", dead).isPresent());
        assertTrue(RunLock.holder(files, "users-v2.lock", Duration.ofMinutes(1)).isEmpty(), "abandoned");
        try (RunLock taken = RunLock.acquire(files, "users-v2.lock", "run-3", Duration.ofMinutes(1), Duration.ofSeconds(10))) {
            assertEquals("run-3", RunLock.holder(files, "users-v2.lock", Duration.ofMinutes(1)).orElseThrow().run());
        }
    }

    @Test
    void aHolderKnowsWhenItsLockWasTakenOverAndRidesOutAnUnreachableStoreWithinItsLease() throws InterruptedException {
        Path locks = dir.resolve("locks");
        FlakyFiles files = new FlakyFiles(ObjectStorage.locks(locks.toUri().toString(), new Configuration()));
        try (RunLock held = RunLock.acquire(files, "users-v2.lock", "run-1", Duration.ofSeconds(2), Duration.ofMinutes(10))) {
            held.ensureHeld();
            // the store cannot be reached: still ours while within the lease of the last confirmation
            files.down = true;
            held.ensureHeld();
            Thread.sleep(2_500);
            var unsure = assertThrows(ConflictError.class, held::ensureHeld);
            assertTrue(unsure.getMessage().startsWith("dataset users-v2: run run-1 could not confirm it still holds"), unsure.getMessage());
            files.down = false;
            held.ensureHeld();   // reachable again and nobody took it: still ours

            // another host's run takes it over
            var now = files.read("users-v2.lock").orElseThrow();
            assertTrue(files.replace("users-v2.lock", now.version(), "{\"run\":\"run-1\",\"host\":\"elsewhere\",\"pid\":7,"
                    + "\"heartbeat\":\"" + java.time.Instant.now() + "\"}").isPresent());
            var lost = assertThrows(ConflictError.class, held::ensureHeld);
            assertTrue(lost.getMessage().startsWith("dataset users-v2 was taken over by run run-1 (pid 7 on elsewhere"), lost.getMessage());
            assertTrue(lost.getMessage().endsWith("this run stops here and leaves the dataset to its holder"), lost.getMessage());
        }
        assertEquals("elsewhere", RunLock.holder(files, "users-v2.lock", Duration.ofMinutes(1)).orElseThrow().host(),
                "closing a lost lock leaves the taker's file");
    }

    /** An S3 endpoint that refuses connections, or has no such host, is one line naming the setting, in well under the timeout. */
    @Test
    void anEndpointThatDoesNotAnswerFailsAtOnceNamingTheSetting() throws Exception {
        java.util.Map<String, String> settings = java.util.Map.of("drover.state-dir", "s3a://bucket/state",
                "drover.storage.s3.endpoint", "http://127.0.0.1:1");
        long started = System.nanoTime();
        var refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> ObjectStorage.requireReachable("http://127.0.0.1:1", java.time.Duration.ofSeconds(10)));
        assertTrue((System.nanoTime() - started) / 1e9 < 5, "a refused connection is not retried");
        String line = ObjectStorage.unreachable(refused, settings).orElseThrow();
        assertTrue(line.startsWith("drover.storage.s3.endpoint: http://127.0.0.1:1: cannot be reached at 127.0.0.1:1 ("), line);

        var unknown = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> ObjectStorage.requireReachable("s3.no-such-host.invalid", java.time.Duration.ofSeconds(10)));
        assertTrue(ObjectStorage.unreachable(unknown, settings).orElseThrow().contains("host s3.no-such-host.invalid is unknown"),
                ObjectStorage.unreachable(unknown, settings).orElseThrow());

        try (java.net.ServerSocket open = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ObjectStorage.requireReachable("http://127.0.0.1:" + open.getLocalPort(), java.time.Duration.ofSeconds(10));   // answers: no error
        }
        ObjectStorage.requireReachable(null, java.time.Duration.ofSeconds(10));   // AWS's own endpoint: not probed
        // not a URL: left to the S3 client's own error, not a stack trace from the probe
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> ObjectStorage.requireReachable("http://a host", java.time.Duration.ofSeconds(1)));
    }

    /** Local lock files that fail every request while {@code down}, as an unreachable store does. */
    private static final class FlakyFiles implements LockFiles {
        private final LockFiles files;
        volatile boolean down;

        FlakyFiles(LockFiles files) {
            this.files = files;
        }

        private void check() {
            if (down) {
                throw new java.io.UncheckedIOException(new java.net.ConnectException("store unreachable"));
            }
        }

        @Override
        public java.util.Optional<String> createNew(String name, String content) {
            check();
            return files.createNew(name, content);
        }

        @Override
        public java.util.Optional<Versioned> read(String name) {
            check();
            return files.read(name);
        }

        @Override
        public java.util.Optional<String> replace(String name, String version, String content) {
            check();
            return files.replace(name, version, content);
        }

        @Override
        public void delete(String name, String version) {
            check();
            files.delete(name, version);
        }

        @Override
        public String describe(String name) {
            return files.describe(name);
        }
    }
}
