package dev.drover.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits of a catalog file that keep everything else in it as it was: comments, order, other
 * entities. Only what retire needs: setting an entity's {@code spec.lifecycle}.
 */
public final class CatalogEdit {
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("^---\\s*$");
    private static final Pattern SPEC = Pattern.compile("^spec:\\s*(#.*)?$");
    private static final Pattern TOP_LEVEL = Pattern.compile("^[A-Za-z_][\\w-]*:.*$");

    private CatalogEdit() {}

    /** What an edit did, or would do when the file could not be written. */
    public record Result(boolean written, String file, String change) {}

    /**
     * Sets {@code spec.lifecycle} of the entity named {@code entity} in {@code file} to
     * {@code lifecycle}; the change is described either way, and written when the file is writable.
     */
    public static Result lifecycle(Path file, String entity, String lifecycle) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Result(false, file.toString(), "set spec.lifecycle: " + lifecycle + " on " + entity + " (cannot read the file: "
                    + e.getMessage() + ")");
        }
        Optional<String> edited = withLifecycle(text, entity, lifecycle);
        String change = "spec.lifecycle: " + lifecycle + " on " + entity;
        if (edited.isEmpty()) {
            return new Result(false, file.toString(), "set " + change + " (no spec: block of " + entity + " found to edit)");
        }
        if (edited.get().equals(text)) {
            return new Result(true, file.toString(), change + " (already so)");
        }
        if (!Files.isWritable(file)) {
            return new Result(false, file.toString(), "set " + change);
        }
        try {
            Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            Files.writeString(temp, edited.get(), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Result(true, file.toString(), change);
        } catch (IOException e) {
            return new Result(false, file.toString(), "set " + change + " (" + e.getMessage() + ")");
        }
    }

    /** The text with the entity's {@code spec.lifecycle} set; empty when the entity or its spec block is not found. */
    static Optional<String> withLifecycle(String text, String entity, String lifecycle) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        Pattern name = Pattern.compile("^\\s+name:\\s*['\"]?" + Pattern.quote(entity) + "['\"]?\\s*(#.*)?$");
        Pattern inlineName = Pattern.compile("^metadata:\\s*\\{.*\\bname:\\s*['\"]?" + Pattern.quote(entity) + "['\"]?\\s*[,}].*$");
        int start = 0;
        while (start < lines.size()) {
            int end = start;
            while (end < lines.size() && !(end > start && DOCUMENT_SEPARATOR.matcher(lines.get(end)).matches())) {
                end++;
            }
            boolean mine = false;
            int spec = -1;
            for (int i = start; i < end; i++) {
                String line = lines.get(i);
                if (name.matcher(line).matches() || inlineName.matcher(line).matches()) {
                    mine = true;
                }
                if (SPEC.matcher(line).matches()) {
                    spec = i;
                }
            }
            if (mine && spec >= 0) {
                return Optional.of(String.join("\n", setIn(lines, spec, end, lifecycle)));
            }
            start = end;
        }
        return Optional.empty();
    }

    private static List<String> setIn(List<String> lines, int spec, int end, String lifecycle) {
        String indent = "  ";
        for (int i = spec + 1; i < end; i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            if (TOP_LEVEL.matcher(line).matches()) {
                break;
            }
            Matcher m = Pattern.compile("^(\\s+)").matcher(line);
            indent = m.find() ? m.group(1) : indent;
            break;
        }
        Pattern existing = Pattern.compile("^" + Pattern.quote(indent) + "lifecycle:.*$");
        for (int i = spec + 1; i < end; i++) {
            if (TOP_LEVEL.matcher(lines.get(i)).matches()) {
                break;
            }
            if (existing.matcher(lines.get(i)).matches()) {
                lines.set(i, indent + "lifecycle: " + lifecycle);
                return lines;
            }
        }
        lines.add(spec + 1, indent + "lifecycle: " + lifecycle);
        return lines;
    }
}
