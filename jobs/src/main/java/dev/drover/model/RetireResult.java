package dev.drover.model;

import java.util.List;

/**
 * What retiring a transition window's source did: the last sync's end ({@code syncedTo}), the
 * {@code retired} events written to the outbox (one per consumer, none when written before), the
 * source's properties commit, and the catalog change (written, or to make by hand).
 */
public record RetireResult(String migration, String source, String target, long syncedTo, long targetVersion, List<String> told,
                           long propertiesVersion, boolean catalogWritten, String catalogChange, List<String> notMoved,
                           boolean forced) {
    public RetireResult {
        told = List.copyOf(told);
        notMoved = List.copyOf(notMoved);
    }
}
