package io.nasspark.jobs;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code nas} command line, with what it printed. */
public record CliRun(int code, String out, String err) {

    /** Runs {@code nas args…} in this JVM (on the running session, if any). */
    public static CliRun nas(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NasCli.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
