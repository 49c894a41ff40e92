package dev.drover.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The {@code drover.sync} and {@code drover.transition} blocks: how a transition window keeps v2
 * in step with v1 and when it alerts. {@code maxLag}: alert when v1's oldest change not yet in
 * v2 is older than this; {@code verifyEvery}: every this many syncs of a window, the sync also
 * compares all of v2 with the steps over v1 (0: only {@code drover sync --verify}); {@code
 * deletionVectors}: v2 takes Delta deletion vectors when its window opens, so a sync marks the
 * rows it replaces instead of rewriting every file they sit in (readers need Delta 2.3 or later);
 * {@code remindBefore}: a reminder alert this long before a dual-write consumer's deadline.
 */
public record SyncSettings(Duration maxLag, int verifyEvery, boolean deletionVectors, Duration remindBefore) {
    public SyncSettings {
        requireNonNull(maxLag, "maxLag is null");
        requireNonNull(remindBefore, "remindBefore is null");
        if (verifyEvery < 0) {
            throw new IllegalArgumentException("verifyEvery must be 0 or more, got " + verifyEvery);
        }
    }
}
