package dev.drover.storage;

import java.util.Optional;

/**
 * Small files with compare-and-set semantics, where run locks live: on a local disk, or on object
 * storage through conditional requests. A version is opaque (an ETag on S3).
 */
public interface LockFiles {
    /** A file's content and the version it was read at. */
    record Versioned(String content, String version) {}

    /** Writes {@code content} at {@code name} only if no file is there; the version written, or empty when one is. */
    Optional<String> createNew(String name, String content);

    /** The file at {@code name}, or empty. */
    Optional<Versioned> read(String name);

    /** Replaces the file only if it is still at {@code version}; the new version, or empty when it changed or went. */
    Optional<String> replace(String name, String version, String content);

    /** Deletes the file if it is still at {@code version} (someone who took it over keeps it). */
    void delete(String name, String version);

    /** Where {@code name} is, for messages. */
    String describe(String name);
}
