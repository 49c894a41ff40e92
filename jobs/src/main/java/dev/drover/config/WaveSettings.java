package dev.drover.config;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Quota;

/** {@code drover.wave} and {@code drover.quota}: how many migrations a wave runs at once, and the quota a spec inherits. */
public record WaveSettings(int parallel, Quota quota) {
    public WaveSettings {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be 1 or more, got " + parallel);
        }
        requireNonNull(quota, "quota is null");
    }
}
