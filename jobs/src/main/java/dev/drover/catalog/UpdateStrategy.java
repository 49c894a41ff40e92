package dev.drover.catalog;

import java.util.Locale;

/** How a consumer wants to hear about a new version (annotation drover.dev/update-strategy). */
public enum UpdateStrategy {
    IMMEDIATE, PHASED, DUAL_WRITE;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static UpdateStrategy parse(String text) {
        for (UpdateStrategy s : values()) {
            if (s.label().equals(text)) {
                return s;
            }
        }
        return null;
    }
}
