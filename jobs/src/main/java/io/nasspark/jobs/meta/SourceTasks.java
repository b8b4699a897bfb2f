package io.nasspark.jobs.meta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The source tasks a meta-predictor learnt from, kept beside its weights for meta-adapt's baselines and checks. */
final class SourceTasks {

    private static final String FILE = "source-tasks.txt";

    private SourceTasks() {}

    static void write(Path dir, List<String> tasks) throws IOException {
        Files.write(dir.resolve(FILE), tasks);
    }

    static List<String> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isReadable(file)) {
            throw new IOException(dir + " holds no " + FILE + "; it is not a meta-pretrain predictor");
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    }
}
