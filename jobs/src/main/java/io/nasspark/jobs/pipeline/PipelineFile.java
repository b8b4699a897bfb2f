package io.nasspark.jobs.pipeline;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A pipeline file: a name and stages, each a job of {@code nas} with its options, in YAML.
 * Read through SnakeYAML's node tree rather than into maps, because every node keeps its line,
 * and an error must name the file, line and key.
 *
 * <pre>
 * name: demo
 * stages:
 *   predictor:                 # the stage's name; references use it
 *     job: train-predictor     # default: the stage's name
 *     options: {target: latency, model: lut}
 *   search:
 *     job: evolve
 *     after: [scores]          # besides the stages its options reference
 *     options: {latency-predictor: "${predictor}", max-latency-ms: 1.2}
 * </pre>
 *
 * @param source what errors call the file
 * @param name the pipeline's name
 * @param stages in the file's order
 */
public record PipelineFile(String source, String name, List<Stage> stages) {

    /** Names of pipelines and stages: they end up in search ids and paths. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    /**
     * One option of a stage: the {@code --key}, its value as text (a list joined by commas,
     * true for a flag, null for a flag set to false) and where it was written.
     */
    public record Option(String key, String value, int line) {}

    /** One stage: its name, job, options and the stages it must follow, with the lines of the stage and its job. */
    public record Stage(String name, String job, List<Option> options, List<String> after, int line, int jobLine) {

        /** The option {@code key}, if the stage sets it. */
        public Optional<Option> option(String key) {
            return options.stream().filter(o -> o.key().equals(key)).findFirst();
        }
    }

    /** Parses {@code text}; {@code source} names it in errors. */
    public static PipelineFile parse(String source, String text) {
        return parse(source, new StringReader(text));
    }

    /** Parses a pipeline file from {@code reader}. */
    public static PipelineFile parse(String source, Reader reader) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            throw new PipelineFileException(source, line, null, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new PipelineFileException(source, 1, null, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new PipelineFileException(source, 1, null, "the file is empty");
        }
        return new Reading(source).file(root);
    }

    /** Reads {@code path}. */
    public static PipelineFile read(Path path) {
        try (Reader reader = Files.newBufferedReader(path)) {
            return parse(path.toString(), reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("--file " + path + " cannot be read: " + e.getMessage());
        }
    }

    /** The stage called {@code name}, if there is one. */
    public Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The walk over the node tree, which knows the file's name for its errors. */
    private record Reading(String source) {

        PipelineFile file(Node root) {
            Map<String, NodeTuple> top = mapping(root, null, Set.of("name", "description", "stages"));
            String name = name(required(top, "name", root, null).getValueNode(), "name");
            Node stagesNode = required(top, "stages", root, null).getValueNode();
            Map<String, NodeTuple> stageNodes = mapping(stagesNode, "stages", null);
            if (stageNodes.isEmpty()) {
                throw error(stagesNode, "stages", "a pipeline needs at least one stage");
            }
            List<Stage> stages = new ArrayList<>();
            for (NodeTuple t : stageNodes.values()) {
                stages.add(stage(t));
            }
            return new PipelineFile(source, name, List.copyOf(stages));
        }

        private Stage stage(NodeTuple tuple) {
            String name = name(tuple.getKeyNode(), "stages");
            String path = "stages." + name;
            Map<String, NodeTuple> fields = mapping(tuple.getValueNode(), path, Set.of("job", "options", "after"));
            String job = fields.containsKey("job") ? scalar(fields.get("job").getValueNode(), path + ".job") : name;
            List<Option> options = new ArrayList<>();
            if (fields.containsKey("options")) {
                for (NodeTuple o : mapping(fields.get("options").getValueNode(), path + ".options", null).values()) {
                    options.add(option(o, path + ".options"));
                }
            }
            List<String> after = new ArrayList<>();
            if (fields.containsKey("after")) {
                Node node = fields.get("after").getValueNode();
                if (node instanceof SequenceNode seq) {
                    for (Node item : seq.getValue()) {
                        after.add(scalar(item, path + ".after"));
                    }
                } else {
                    after.add(scalar(node, path + ".after"));
                }
            }
            int line = line(tuple.getKeyNode());
            return new Stage(name, job, List.copyOf(options), List.copyOf(after), line,
                    fields.containsKey("job") ? line(fields.get("job").getValueNode()) : line);
        }

        private Option option(NodeTuple tuple, String path) {
            String key = scalar(tuple.getKeyNode(), path);
            Node value = tuple.getValueNode();
            String text;
            if (value instanceof SequenceNode seq) {
                List<String> items = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    items.add(scalar(item, path + "." + key));
                }
                text = String.join(",", items);
            } else {
                text = scalar(value, path + "." + key);
                if ("false".equals(text)) {
                    text = null;
                }
            }
            return new Option(key, text, line(tuple.getKeyNode()));
        }

        private String name(Node node, String path) {
            String name = scalar(node, path);
            if (!NAME.matcher(name).matches()) {
                throw error(node, path, "'" + name + "' is not a name: letters, digits, '-' and '_',"
                        + " starting with a letter or digit");
            }
            return name;
        }

        private Map<String, NodeTuple> mapping(Node node, String path, Set<String> allowed) {
            if (!(node instanceof MappingNode map)) {
                throw error(node, path, "expected a mapping of keys to values");
            }
            Map<String, NodeTuple> byKey = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                String key = scalar(t.getKeyNode(), path);
                String at = path == null ? key : path + "." + key;
                if (allowed != null && !allowed.contains(key)) {
                    throw error(t.getKeyNode(), at, "unknown key; expected one of " + String.join(", ",
                            allowed.stream().sorted().toList()));
                }
                if (byKey.put(key, t) != null) {
                    throw error(t.getKeyNode(), at, "given twice");
                }
            }
            return byKey;
        }

        private NodeTuple required(Map<String, NodeTuple> map, String key, Node parent, String path) {
            NodeTuple t = map.get(key);
            if (t == null) {
                throw error(parent, path == null ? key : path + "." + key, "missing");
            }
            return t;
        }

        private String scalar(Node node, String path) {
            if (!(node instanceof ScalarNode s)) {
                throw error(node, path, "expected a single value");
            }
            return s.getValue();
        }

        private PipelineFileException error(Node node, String path, String message) {
            return new PipelineFileException(source, line(node), path, message);
        }

        private static int line(Node node) {
            return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
        }
    }
}
