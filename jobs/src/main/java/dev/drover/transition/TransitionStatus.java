package dev.drover.transition;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A window as it stands now: the source's latest version, how far the target lags (in versions,
 * and since the oldest source commit not yet synced), and what is due: a lag over the limit, a
 * deadline passed with consumers not moved, a reminder before it.
 */
public record TransitionStatus(Window window, long sourceLatest, Optional<Instant> oldestUnsynced, Instant now) {
    public TransitionStatus {
        requireNonNull(window, "window is null");
        requireNonNull(oldestUnsynced, "oldestUnsynced is null");
        requireNonNull(now, "now is null");
    }

    public long lagVersions() {
        return Math.max(0, sourceLatest - window.lastSynced());
    }

    /** Since the oldest source commit v2 does not hold yet; zero when in step. */
    public Duration lag() {
        return oldestUnsynced.map(t -> Duration.between(t, now)).filter(d -> !d.isNegative()).orElse(Duration.ZERO);
    }

    public boolean lagOver(Duration max) {
        return window.open() && lagVersions() > 0 && lag().compareTo(max) > 0;
    }

    public LocalDate today() {
        return now.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The window's deadline has passed and some consumer has not moved. */
    public boolean overdue() {
        return window.open() && !window.notMoved().isEmpty() && window.deadline().filter(d -> today().isAfter(d)).isPresent();
    }

    /** The deadline is within {@code before} and some consumer has not moved. */
    public boolean remind(Duration before) {
        return window.open() && !window.notMoved().isEmpty() && window.deadline()
                .filter(d -> !today().isAfter(d) && !today().plusDays(Math.max(0, before.toDays())).isBefore(d)).isPresent();
    }
}
