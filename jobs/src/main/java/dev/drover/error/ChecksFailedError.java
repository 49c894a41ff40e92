package dev.drover.error;

/** The migration failed its checks and was rolled back (exit 1). */
public final class ChecksFailedError extends DroverError {
    public ChecksFailedError(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return 1;
    }
}
