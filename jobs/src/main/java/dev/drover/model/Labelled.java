package dev.drover.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * An enum stored and shown as a lower-case label ({@code rolled-back}, {@code key-range}): in the
 * ledger, the JSON output and the CLI alike.
 */
public interface Labelled {
    String name();

    default String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant whose label is {@code label}; an unknown label is a programming or ledger error. */
    static <E extends Enum<E> & Labelled> E parse(Class<E> type, String label) {
        return find(type, label).orElseThrow(() -> new IllegalArgumentException("no " + type.getSimpleName() + " '" + label + "'"));
    }

    /** The constant whose label is {@code label}, if any (text from outside: a reply, a file). */
    static <E extends Enum<E> & Labelled> java.util.Optional<E> find(Class<E> type, String label) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.label().equals(label)).findFirst();
    }
}
