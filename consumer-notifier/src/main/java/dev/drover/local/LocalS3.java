package dev.drover.local;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * A real S3-compatible server (s3proxy) in a process of its own on 127.0.0.1, checking request
 * signatures against one access key, storing objects as files under a folder (they survive a
 * restart). What {@code drover demo --s3} starts and the tests write Delta tables to. Its jar is
 * resolved by Maven once ({@link ToolJars}; {@code DROVER_S3PROXY_HOME} to choose the folder).
 */
public final class LocalS3 extends LocalServer {
    public static final String VERSION = "2.9.0";

    private final String accessKey;
    private final String secretKey;

    private LocalS3(Path dir, int port, String accessKey, String secretKey) {
        super(dir, port);
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts a server keeping its objects under {@code dir/data}, with a fresh random key pair. */
    public static LocalS3 start(Path dir) {
        SecureRandom random = new SecureRandom();
        byte[] access = new byte[10];
        byte[] secret = new byte[20];
        random.nextBytes(access);
        random.nextBytes(secret);
        return start(dir, "DROVER" + HexFormat.of().withUpperCase().formatHex(access), HexFormat.of().formatHex(secret));
    }

    public static LocalS3 start(Path dir, String accessKey, String secretKey) {
        try {
            Files.createDirectories(dir.resolve("data"));
            LocalS3 s3 = new LocalS3(dir.toAbsolutePath(), freePort(), accessKey, secretKey);
            s3.writeProperties();
            s3.launch();
            return s3;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a local S3 server in " + dir, e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Where the objects of {@code bucket} are kept on disk (one file per object). */
    public Path bucketFolder(String bucket) {
        return dir.resolve("data").resolve(bucket);
    }

    /** Creates {@code bucket} (path-style, through the AWS SDK s3a uses). */
    public void createBucket(String bucket) {
        AmazonS3 s3 = AmazonS3ClientBuilder.standard().withPathStyleAccessEnabled(true)
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint(), "us-east-1"))
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey, secretKey))).build();
        try {
            if (!s3.doesBucketExistV2(bucket)) {
                s3.createBucket(bucket);
            }
        } finally {
            s3.shutdown();
        }
    }

    private Path properties() {
        return dir.resolve("s3proxy.properties");
    }

    private void writeProperties() throws IOException {
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", endpoint());
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", accessKey);
        p.setProperty("s3proxy.credential", secretKey);
        p.setProperty("jclouds.provider", "filesystem");
        p.setProperty("jclouds.filesystem.basedir", dir.resolve("data").toString());
        Path file = properties();
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try (var out = Files.newOutputStream(file)) {
            p.store(out, "drover local S3 server (s3proxy); the key pair is this server's own, made at random");
        }
    }

    @Override
    protected String name() {
        return "the local S3 server";
    }

    @Override
    protected Path log() {
        return dir.resolve("s3proxy.log");
    }

    @Override
    protected List<String> command() throws IOException {
        Path jar;
        try (var jars = Files.list(ToolJars.resolve("s3proxy", VERSION, "s3proxy-pom.xml", "DROVER_S3PROXY_HOME"))) {
            jar = jars.filter(p -> p.getFileName().toString().startsWith("s3proxy-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no s3proxy jar was resolved"));
        }
        List<String> command = new java.util.ArrayList<>(List.of(java(), "-Xmx256m"));
        command.addAll(SMALL_LOAD);
        command.addAll(List.of("-jar", jar.toString(), "--properties", properties().toString()));
        return command;
    }

    @Override
    protected boolean answers() {
        return listening(port);
    }
}
