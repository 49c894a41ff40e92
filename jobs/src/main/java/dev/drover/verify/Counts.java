package dev.drover.verify;

/**
 * The row counts every check group reads: the pinned source's rows, those the target holds, those
 * quarantined, and those steps removed on purpose.
 */
record Counts(long source, long target, long quarantined, long dropped) {}
