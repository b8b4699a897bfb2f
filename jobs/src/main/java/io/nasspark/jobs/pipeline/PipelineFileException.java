package io.nasspark.jobs.pipeline;

/**
 * A pipeline file that cannot run: the message is one line naming the file, line and key, so
 * the command line reports it as bad input (exit 2) before any stage runs.
 */
public final class PipelineFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    PipelineFileException(String source, int line, String key, String message) {
        super(source + ":" + line + ": " + (key == null ? "" : key + ": ") + message);
    }
}
