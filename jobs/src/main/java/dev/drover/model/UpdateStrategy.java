package dev.drover.model;

/** How a consumer wants to hear about a new version (annotation drover.dev/update-strategy). */
public enum UpdateStrategy implements Labelled {
    IMMEDIATE, PHASED, DUAL_WRITE;

    /** The strategy labelled {@code text}, or null for a label that names none (the catalog reports it). */
    public static UpdateStrategy parse(String text) {
        return Labelled.find(UpdateStrategy.class, text).orElse(null);
    }
}
