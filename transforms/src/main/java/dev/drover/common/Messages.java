package dev.drover.common;

/** Error texts as Drover shows them: one line each. */
public final class Messages {
    private Messages() {}

    /** The first non-blank line of a message (Spark's and Delta's run over many), trimmed; "" for null. */
    public static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        for (String line : message.split("\n")) {
            if (!line.isBlank()) {
                return line.trim();
            }
        }
        return "";
    }

    /**
     * An exception as one line: the simple class name and first line of the error that says what
     * went wrong (a wrapper that only repeats its cause gives way to the cause).
     */
    public static String oneLine(Throwable error) {
        Throwable shown = error;
        while (shown.getCause() != null && (shown.getMessage() == null || shown.getMessage().isBlank()
                || shown.getMessage().equals(shown.getCause().toString()))) {
            shown = shown.getCause();
        }
        return shown.getClass().getSimpleName() + ": " + firstLine(shown.getMessage());
    }
}
