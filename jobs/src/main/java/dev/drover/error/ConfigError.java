package dev.drover.error;

/** Bad config input (exit 2). */
public final class ConfigError extends InputError {
    public ConfigError(String file, String field, String message) {
        super(file, field, message);
    }
}
