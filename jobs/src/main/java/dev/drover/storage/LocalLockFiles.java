package dev.drover.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Lock files in a local folder: created with {@code CREATE_NEW} (atomic), replaced by an atomic
 * rename. A version is the content itself (each holds its holder's heartbeat time); the check
 * before a replace or delete is not atomic with it, which only matters for a holder whose lease
 * ran out while it still ran.
 */
final class LocalLockFiles implements LockFiles {
    private final Path dir;

    LocalLockFiles(Path dir) {
        this.dir = dir;
    }

    @Override
    public Optional<String> createNew(String name, String content) {
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return Optional.of(content);
        } catch (FileAlreadyExistsException held) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Versioned> read(String name) {
        try {
            String content = Files.readString(dir.resolve(name));
            return Optional.of(new Versioned(content, content));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> replace(String name, String version, String content) {
        Path file = dir.resolve(name);
        if (read(name).filter(v -> v.version().equals(version)).isEmpty()) {
            return Optional.empty();
        }
        try {
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String name, String version) {
        if (read(name).filter(v -> v.version().equals(version)).isPresent()) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public String describe(String name) {
        return dir.resolve(name).toString();
    }
}
