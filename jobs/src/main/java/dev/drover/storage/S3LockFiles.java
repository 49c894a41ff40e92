package dev.drover.storage;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.Protocol;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import com.amazonaws.services.s3.model.DeleteObjectRequest;
import com.amazonaws.services.s3.model.GetObjectRequest;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PutObjectRequest;
import com.amazonaws.services.s3.model.S3Object;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.s3a.S3AUtils;

/**
 * Lock files on S3 (or an S3-compatible store) through conditional requests, since S3 has no
 * atomic rename: a create is a PUT with {@code If-None-Match: *} (412 when an object is there), a
 * replace a PUT with {@code If-Match: <ETag>} (412 when it changed), so of two writers exactly one
 * wins; a release a DELETE with {@code If-Match: <ETag>}. The client is the AWS SDK v1 that s3a itself uses, configured from the same {@code fs.s3a.*}
 * settings (endpoint, path style, region, per-bucket options) and the same credential providers.
 */
final class S3LockFiles implements LockFiles {
    private static final Map<String, AmazonS3> CLIENTS = new ConcurrentHashMap<>();

    private final AmazonS3 s3;
    private final String bucket;
    private final String prefix;
    private final String scheme;

    S3LockFiles(URI folder, Configuration hadoop) {
        this.scheme = folder.getScheme();
        this.bucket = folder.getHost();
        String path = folder.getPath() == null ? "" : folder.getPath().replaceAll("^/+|/+$", "");
        this.prefix = path.isEmpty() ? "" : path + "/";
        this.s3 = client(bucket, hadoop);
    }

    private static AmazonS3 client(String bucket, Configuration hadoop) {
        Configuration conf = S3AUtils.propagateBucketOptions(hadoop, bucket);
        String endpoint = conf.getTrimmed("fs.s3a.endpoint", "");
        String region = conf.getTrimmed("fs.s3a.endpoint.region", "");
        boolean ssl = conf.getBoolean("fs.s3a.connection.ssl.enabled", true);
        boolean pathStyle = conf.getBoolean("fs.s3a.path.style.access", false);
        String provider = conf.getTrimmed("fs.s3a.aws.credentials.provider", "");
        // keyed by what makes clients differ, never by a secret
        String key = bucket + "|" + endpoint + "|" + region + "|" + ssl + "|" + pathStyle + "|" + provider;
        return CLIENTS.computeIfAbsent(key, k -> {
            try {
                ClientConfiguration client = new ClientConfiguration().withProtocol(ssl ? Protocol.HTTPS : Protocol.HTTP)
                        .withConnectionTimeout(10_000).withSocketTimeout(30_000).withMaxErrorRetry(3);
                AmazonS3ClientBuilder builder = AmazonS3ClientBuilder.standard().withClientConfiguration(client)
                        .withCredentials(S3AUtils.createAWSCredentialProviderSet(URI.create("s3a://" + bucket), conf))
                        .withPathStyleAccessEnabled(pathStyle);
                String signingRegion = region.isEmpty() ? "us-east-1" : region;
                if (endpoint.isEmpty()) {
                    builder = builder.withRegion(signingRegion);
                } else {
                    String url = endpoint.contains("://") ? endpoint : (ssl ? "https://" : "http://") + endpoint;
                    builder = builder.withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(url, signingRegion));
                }
                return builder.build();
            } catch (IOException e) {
                throw new UncheckedIOException("could not set up the S3 client for the run locks in bucket " + bucket, e);
            }
        });
    }

    @Override
    public Optional<String> createNew(String name, String content) {
        return put(name, content, "If-None-Match", "*");
    }

    @Override
    public Optional<Versioned> read(String name) {
        try (S3Object object = s3.getObject(new GetObjectRequest(bucket, prefix + name))) {
            String content = new String(object.getObjectContent().readAllBytes(), StandardCharsets.UTF_8);
            return Optional.of(new Versioned(content, object.getObjectMetadata().getETag()));
        } catch (AmazonS3Exception e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> replace(String name, String version, String content) {
        return put(name, content, "If-Match", quoted(version));
    }

    /**
     * A DELETE with {@code If-Match: <ETag>}, which S3 evaluates atomically (general purpose buckets
     * since September 2025), after a HEAD: stores that ignore the header on a DELETE still leave a
     * lock taken over before the HEAD alone.
     */
    @Override
    public void delete(String name, String version) {
        try {
            ObjectMetadata now = s3.getObjectMetadata(bucket, prefix + name);
            if (!version.equals(now.getETag())) {
                return;
            }
            DeleteObjectRequest request = new DeleteObjectRequest(bucket, prefix + name);
            request.putCustomRequestHeader("If-Match", quoted(version));
            try {
                s3.deleteObject(request);
            } catch (AmazonS3Exception e) {
                if (e.getStatusCode() == 501 || (e.getStatusCode() == 400 && "NotImplemented".equals(e.getErrorCode()))) {
                    s3.deleteObject(bucket, prefix + name);   // a store that refuses the precondition: the HEAD was the check
                } else {
                    throw e;
                }
            }
        } catch (AmazonS3Exception e) {
            // gone already, or taken over between the HEAD and the DELETE (412): not ours to delete
            if (e.getStatusCode() != 404 && e.getStatusCode() != 412 && e.getStatusCode() != 409) {
                throw e;
            }
        }
    }

    @Override
    public String describe(String name) {
        return scheme + "://" + bucket + "/" + prefix + name;
    }

    /** A PUT with one precondition header; empty when the store answers 412 (or 409, a concurrent conditional write). */
    private Optional<String> put(String name, String content, String header, String value) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        ObjectMetadata metadata = new ObjectMetadata();
        metadata.setContentLength(bytes.length);
        metadata.setContentType("application/json");
        PutObjectRequest request = new PutObjectRequest(bucket, prefix + name, new ByteArrayInputStream(bytes), metadata);
        request.putCustomRequestHeader(header, value);
        try {
            return Optional.of(s3.putObject(request).getETag());
        } catch (AmazonS3Exception e) {
            if (e.getStatusCode() == 412 || e.getStatusCode() == 409) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }
}
