package dev.drover.error;

/**
 * Bad input: usage, config, catalog or spec (exit 2). Thrown before anything is written.
 * The message reads "{@code <file>: <field>: <what was expected>}".
 */
public class InputError extends DroverError {
    public InputError(String file, String field, String message) {
        super(format(file, field, message));
    }

    public InputError(String message) {
        super(message);
    }

    static String format(String file, String field, String message) {
        StringBuilder text = new StringBuilder();
        if (file != null && !file.isEmpty()) {
            text.append(file).append(": ");
        }
        if (field != null && !field.isEmpty()) {
            text.append(field).append(": ");
        }
        return text.append(message).toString().replace('\n', ' ');
    }
}
