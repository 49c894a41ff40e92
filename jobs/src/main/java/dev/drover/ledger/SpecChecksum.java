package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** The checksum of a migration's spec (and SQL files) when a run started. */
public record SpecChecksum(String migration, String checksum, String file, String runId, Instant recordedAt) {
    public SpecChecksum {
        requireNonNull(migration, "migration is null");
        requireNonNull(checksum, "checksum is null");
        requireNonNull(recordedAt, "recordedAt is null");
    }
}
