package dev.drover.error;

/** Bad catalog input (exit 2). */
public final class CatalogError extends InputError {
    public CatalogError(String file, String field, String message) {
        super(file, field, message);
    }
}
