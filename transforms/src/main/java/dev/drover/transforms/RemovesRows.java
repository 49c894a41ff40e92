package dev.drover.transforms;

/**
 * A step that removes rows on purpose (filter, dedup): it marks them as removed by its label
 * instead of deleting them, and states the largest share of rows it expects to remove.
 */
public interface RemovesRows extends Step {
    /** The declared largest share of the source rows this step removes; negative = not declared. */
    double maxRemovedRatio();
}
