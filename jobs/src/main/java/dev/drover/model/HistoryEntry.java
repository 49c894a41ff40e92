package dev.drover.model;

import java.sql.Timestamp;

/** A Delta version of a dataset joined with the ledger's view of the run that made it. */
public record HistoryEntry(long version, Timestamp timestamp, String operation, String run, String migration,
                           String stage, Integer batch, String runStatus, Long rows) {}
