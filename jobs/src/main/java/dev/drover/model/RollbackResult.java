package dev.drover.model;

import java.util.Optional;

/**
 * What a rollback did: the target, the version it restored to (empty when the run had created
 * the table and it was emptied), the version the rollback committed (empty when nothing changed).
 */
public record RollbackResult(String runId, String target, boolean changed, Optional<Long> restoredTo,
                             Optional<Long> newVersion, String message) {}
