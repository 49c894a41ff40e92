package dev.drover.error;

/**
 * An error a user can hit, with the exit code the CLI returns for it. The message is one line
 * that names the file and the field where there is one.
 */
public abstract class DroverError extends RuntimeException {
    protected DroverError(String message) {
        super(message);
    }

    protected DroverError(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract int exitCode();
}
