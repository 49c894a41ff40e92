package dev.drover.error;

/** Another run holds the dataset, or the table moved under us (exit 3). */
public final class ConflictError extends DroverError {
    public ConflictError(String message) {
        super(message);
    }
}
