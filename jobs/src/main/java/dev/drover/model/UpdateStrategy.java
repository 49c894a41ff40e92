package dev.drover.model;

/** How a consumer wants to hear about a new version (annotation drover.dev/update-strategy). */
public enum UpdateStrategy implements Labelled {
    IMMEDIATE, PHASED, DUAL_WRITE;

    public static UpdateStrategy parse(String text) {
        for (UpdateStrategy s : values()) {
            if (s.label().equals(text)) {
                return s;
            }
        }
        return null;
    }
}
