package dev.drover.spec;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A declared invariant of a migration's transformed columns, checked by the test stage. Either
 * a source aggregate against a target aggregate ({@code source = "sum(amount)"},
 * {@code target = "sum(amount_cents) / 100"}), or a target aggregate against a fixed value
 * ({@code target = "count_if(country IS NULL AND country_id IS NOT NULL)"}, {@code expect = 0}).
 * Values may differ by at most {@code tolerance}. The source aggregate is observed while the
 * batches are written, over the source rows that reached the target, and combined across
 * batches, so it must be one of sum, count, count_if, min or max at its top.
 */
public record InvariantSpec(String name, Optional<String> source, String target, Optional<BigDecimal> expect,
                            BigDecimal tolerance) {
    public InvariantSpec {
        requireNonNull(name, "name is null");
        requireNonNull(source, "source is null");
        requireNonNull(target, "target is null");
        requireNonNull(expect, "expect is null");
        requireNonNull(tolerance, "tolerance is null");
    }

    /** How per-batch values of the source aggregate combine: sum (also count), min or max. */
    public String combine() {
        String fn = source.map(s -> s.trim().toLowerCase(java.util.Locale.ROOT)).orElse("");
        if (fn.startsWith("min")) {
            return "min";
        }
        if (fn.startsWith("max")) {
            return "max";
        }
        return "sum";
    }

    public String description() {
        return source.map(s -> target + " = " + s + " (source)").orElseGet(() -> target + " = " + expect.orElseThrow())
                + (tolerance.signum() > 0 ? " ± " + tolerance : "");
    }
}
