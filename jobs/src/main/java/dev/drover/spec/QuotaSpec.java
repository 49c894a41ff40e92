package dev.drover.spec;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Quota;
import java.util.Optional;

/** A spec's {@code quota { weight, min-share, max-tasks }}; what it leaves out comes from {@code drover.quota}. */
public record QuotaSpec(Optional<Integer> weight, Optional<Integer> minShare, Optional<Integer> maxTasks) {
    public static final QuotaSpec NONE = new QuotaSpec(Optional.empty(), Optional.empty(), Optional.empty());

    public QuotaSpec {
        requireNonNull(weight, "weight is null");
        requireNonNull(minShare, "minShare is null");
        requireNonNull(maxTasks, "maxTasks is null");
    }

    public Quota resolve(Quota defaults) {
        return new Quota(weight.orElse(defaults.weight()), minShare.orElse(defaults.minShare()), maxTasks.orElse(defaults.maxTasks()));
    }
}
