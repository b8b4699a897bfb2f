package io.nasspark.jobs.pipeline;

import io.nasspark.jobs.NasCli;
import io.nasspark.jobs.pipeline.PipelineFile.Option;
import io.nasspark.jobs.pipeline.PipelineFile.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.ParameterException;

/**
 * A checked pipeline file in the order its stages run: every job exists, every option parses
 * as its job's, every reference names a stage and an output it has, and the stages form no
 * cycle. Nothing runs before a plan is made, so a bad file costs nothing.
 *
 * <p>A reference {@code ${stage}} is the stage's main output, {@code ${stage.output}} a named
 * one, {@code ${pipeline}} the pipeline's name. A stage runs after the stages it references and
 * those in its {@code after}; otherwise in the file's order.
 */
public final class PipelinePlan {

    /** {@code ${stage}} or {@code ${stage.output}}. */
    static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9_-]+)(?:\\.([a-z_]+))?}");
    /** The reference to the pipeline's own name. */
    static final String PIPELINE = "pipeline";
    /** Options every stage shares with the pipeline job, so a stage may not set them. */
    private static final Set<String> SHARED = Set.of("tables", "master", "conf");
    /** Commands that are not stages: the pipeline runners themselves and help. */
    private static final Set<String> NOT_STAGES = Set.of("pipeline", "demo", "help");

    /** Each job's options that take no value, by job; the command line is costly to build per option. */
    private static final Map<String, Set<String>> FLAGS = new ConcurrentHashMap<>();

    private final PipelineFile file;
    private final List<Stage> ordered;
    private final Map<String, Set<String>> dependencies;

    private PipelinePlan(PipelineFile file, List<Stage> ordered, Map<String, Set<String>> dependencies) {
        this.file = file;
        this.ordered = ordered;
        this.dependencies = dependencies;
    }

    /**
     * Checks {@code file} and orders its stages.
     *
     * @throws PipelineFileException naming the file, line and key of the first problem
     */
    public static PipelinePlan of(PipelineFile file) {
        Set<String> jobs = new LinkedHashSet<>(NasCli.commandLine().getSubcommands().keySet());
        jobs.removeAll(NOT_STAGES);
        Map<String, Set<String>> dependencies = new LinkedHashMap<>();
        for (Stage s : file.stages()) {
            String at = "stages." + s.name();
            if (!jobs.contains(s.job())) {
                throw new PipelineFileException(file.source(), s.jobLine(), at + ".job",
                        "unknown job '" + s.job() + "'; the jobs are " + String.join(", ", jobs));
            }
            if (s.name().equals(PIPELINE)) {
                throw new PipelineFileException(file.source(), s.line(), at,
                        "'pipeline' names the pipeline in references; call the stage otherwise");
            }
            dependencies.put(s.name(), dependencies(file, s));
            parses(file, s);
        }
        return new PipelinePlan(file, order(file, dependencies), dependencies);
    }

    public PipelineFile file() {
        return file;
    }

    /** Every stage, in the order they run. */
    public List<Stage> ordered() {
        return ordered;
    }

    /** The stages {@code stage} waits for: those it references and those in its {@code after}. */
    public Set<String> dependencies(String stage) {
        return dependencies.get(stage);
    }

    /**
     * The stages a run covers: all, those from {@code from} on, or {@code only} alone.
     *
     * @throws IllegalArgumentException when the stage named is not in the file
     */
    public List<Stage> select(String from, String only) {
        String named = only != null ? only : from;
        if (named == null) {
            return ordered;
        }
        int at = -1;
        for (int i = 0; i < ordered.size(); i++) {
            if (ordered.get(i).name().equals(named)) {
                at = i;
            }
        }
        if (at < 0) {
            throw new IllegalArgumentException((only != null ? "--only " : "--from ") + named + ": no such stage in "
                    + file.source() + "; the stages are " + String.join(", ", ordered.stream().map(Stage::name).toList()));
        }
        return only != null ? List.of(ordered.get(at)) : ordered.subList(at, ordered.size());
    }

    /**
     * The stage's command line: its job, then its options with every reference replaced by
     * {@code resolve(stage, output)} (output null for the main one).
     */
    public static List<String> arguments(Stage stage, String pipeline, BiFunction<String, String, String> resolve) {
        List<String> args = new ArrayList<>();
        args.add(stage.job());
        for (Option o : stage.options()) {
            if (o.value() == null) {
                continue; // a flag set to false
            }
            args.add("--" + o.key());
            if (!"true".equals(o.value()) || !isFlag(stage.job(), o.key())) {
                args.add(substitute(o.value(), pipeline, resolve));
            }
        }
        return args;
    }

    /**
     * The command line a stage runs: {@link #arguments} of the stage with the options the
     * pipeline fills in ({@link StageOutputs#withDefaults}, {@link StageOutputs#withSearchId}).
     */
    static List<String> commandLine(Stage stage, String pipeline, BiFunction<String, String, String> resolve) {
        return StageOutputs.withSearchId(stage, pipeline,
                arguments(StageOutputs.withDefaults(stage, pipeline), pipeline, resolve));
    }

    private static String substitute(String value, String pipeline, BiFunction<String, String, String> resolve) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group(1).equals(PIPELINE) && m.group(2) == null ? pipeline
                    : resolve.apply(m.group(1), m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }

    /** Whether {@code --key} of {@code job} takes no value. */
    private static boolean isFlag(String job, String key) {
        return FLAGS.computeIfAbsent(job, j -> NasCli.commandLine().getSubcommands().get(j).getCommandSpec().options()
                .stream().filter(o -> o.arity().max() == 0).map(o -> o.longestName()).collect(Collectors.toSet()))
                .contains("--" + key);
    }

    private static Set<String> dependencies(PipelineFile file, Stage s) {
        Set<String> on = new LinkedHashSet<>();
        for (String a : s.after()) {
            if (file.stage(a).isEmpty()) {
                throw new PipelineFileException(file.source(), s.line(), "stages." + s.name() + ".after",
                        "no stage '" + a + "' in the file");
            }
            on.add(a);
        }
        for (Option o : s.options()) {
            if (o.value() == null) {
                continue;
            }
            Matcher m = REFERENCE.matcher(o.value());
            while (m.find()) {
                String stage = m.group(1);
                String output = m.group(2);
                String at = "stages." + s.name() + ".options." + o.key();
                if (stage.equals(PIPELINE) && output == null) {
                    continue;
                }
                Stage target = file.stage(stage).orElseThrow(() -> new PipelineFileException(file.source(),
                        o.line(), at, "${" + stage + (output == null ? "" : "." + output) + "} names no stage of the"
                                + " file; the stages are " + String.join(", ",
                                        file.stages().stream().map(Stage::name).toList())));
                if (output != null && !StageOutputs.named(target.job()).contains(output)) {
                    throw new PipelineFileException(file.source(), o.line(), at, "stage " + stage + " ("
                            + target.job() + ") has no output '" + output + "'; it has "
                            + String.join(", ", StageOutputs.named(target.job())));
                }
                on.add(stage);
            }
        }
        return on;
    }

    /** Parses the stage's options as its job would, references standing in as placeholders. */
    private static void parses(PipelineFile file, Stage s) {
        for (Option o : s.options()) {
            if (SHARED.contains(o.key())) {
                throw new PipelineFileException(file.source(), o.line(), "stages." + s.name() + ".options." + o.key(),
                        "set for every stage at once, on the pipeline's own command line");
            }
        }
        List<String> args = commandLine(s, file.name(), (stage, output) -> "ref");
        try {
            NasCli.commandLine().parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            Option culprit = s.options().stream()
                    .filter(o -> e.getMessage().contains("'--" + o.key() + "'") || e.getMessage().contains("--"
                            + o.key() + "=") || e.getMessage().contains("'" + o.value() + "'"))
                    .findFirst().orElse(null);
            String key = "stages." + s.name() + (culprit == null ? "" : ".options." + culprit.key());
            throw new PipelineFileException(file.source(), culprit == null ? s.line() : culprit.line(), key,
                    s.job() + ": " + e.getMessage().replace(System.lineSeparator(), " "));
        }
    }

    /** Kahn's order, taking the earliest stage of the file among those ready; a cycle is named. */
    private static List<Stage> order(PipelineFile file, Map<String, Set<String>> dependencies) {
        List<Stage> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (ordered.size() < file.stages().size()) {
            Stage next = file.stages().stream()
                    .filter(s -> !done.contains(s.name()) && done.containsAll(dependencies.get(s.name())))
                    .findFirst().orElse(null);
            if (next == null) {
                throw cycle(file, dependencies, done);
            }
            ordered.add(next);
            done.add(next.name());
        }
        return List.copyOf(ordered);
    }

    private static PipelineFileException cycle(PipelineFile file, Map<String, Set<String>> dependencies,
            Set<String> done) {
        // Walk waiting stages along their unfinished dependencies until one repeats: that loop is a cycle.
        List<String> path = new ArrayList<>();
        String at = file.stages().stream().map(Stage::name).filter(n -> !done.contains(n)).findFirst().orElseThrow();
        while (!path.contains(at)) {
            path.add(at);
            at = dependencies.get(at).stream().filter(d -> !done.contains(d)).findFirst().orElseThrow();
        }
        List<String> loop = new ArrayList<>(path.subList(path.indexOf(at), path.size()));
        loop.add(at);
        Stage first = file.stage(loop.get(0)).orElseThrow();
        return new PipelineFileException(file.source(), first.line(), "stages." + first.name(),
                "the stages wait for each other in a cycle: " + String.join(" -> ", loop));
    }
}
