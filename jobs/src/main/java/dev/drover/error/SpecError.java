package dev.drover.error;

/** Bad spec input (exit 2). */
public final class SpecError extends InputError {
    public SpecError(String file, String field, String message) {
        super(file, field, message);
    }
}
