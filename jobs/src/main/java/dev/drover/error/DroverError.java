package dev.drover.error;

/**
 * An error a user can hit; its type says which exit code the CLI returns (mapped in one place,
 * the CLI's {@code ExitCode}). The message is one line that names the file and the field where
 * there is one.
 */
public abstract class DroverError extends RuntimeException {
    protected DroverError(String message) {
        super(message);
    }

    protected DroverError(String message, Throwable cause) {
        super(message, cause);
    }
}
