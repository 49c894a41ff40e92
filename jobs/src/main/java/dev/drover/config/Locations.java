package dev.drover.config;

import java.nio.file.Path;

/** Folder paths and URIs as Spark and Hadoop want them. */
public final class Locations {
    private Locations() {}

    public static boolean isUri(String location) {
        return location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    }

    /** A URI as it is; a local path made absolute as a file: URI, without a trailing slash. */
    public static String normalize(String location) {
        String trimmed = location.endsWith("/") && location.length() > 1
                ? location.substring(0, location.length() - 1) : location;
        if (isUri(trimmed)) {
            return trimmed;
        }
        return Path.of(trimmed).toAbsolutePath().normalize().toUri().toString().replaceAll("/$", "");
    }

    /** The local path of a file: URI, or null for any other scheme. */
    public static Path localPath(String location) {
        if (location.startsWith("file:")) {
            return Path.of(java.net.URI.create(location));
        }
        return isUri(location) ? null : Path.of(location);
    }
}
