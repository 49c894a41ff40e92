package dev.drover.model;

/** What a rollback did: the target location, the version it restored to, the new version. */
public record RollbackResult(String runId, String target, boolean changed, long restoredTo, long newVersion,
                             String message) {}
