package dev.drover.model;

import java.util.Locale;

/** Where a run stands. */
public enum RunStatus {
    RUNNING, SUCCEEDED, FAILED, ROLLED_BACK;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static RunStatus parse(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
