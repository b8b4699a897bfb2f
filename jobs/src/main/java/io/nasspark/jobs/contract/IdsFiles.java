package io.nasspark.jobs.contract;

import io.nasspark.util.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Files of candidate ids, one per line, for {@code --ids}, named by their content: a later
 * stage whose command line names one runs again exactly when the ids changed, and a file once
 * written is never rewritten (written whole, then moved into place).
 */
public final class IdsFiles {

    private IdsFiles() {}

    /** Writes {@code ids} to {@code dir/<prefix><content hash>.ids} unless it is there; returns its path. */
    public static Path write(Path dir, String prefix, List<String> ids) {
        String text = ids.stream().map(id -> id + "\n").reduce("", String::concat);
        Path path = dir.resolve(prefix + Hashing.id128("ids", text).substring(0, 12) + ".ids");
        try {
            Files.createDirectories(dir);
            if (!Files.exists(path)) {
                Path partial = Files.createTempFile(dir, prefix, ".partial");
                Files.writeString(partial, text);
                Files.move(partial, path, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ids file " + path, e);
        }
        return path;
    }
}
