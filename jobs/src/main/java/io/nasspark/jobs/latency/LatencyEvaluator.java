package io.nasspark.jobs.latency;

import io.nasspark.compress.LinearMerge;
import io.nasspark.jobs.contract.CandidateEvaluator;
import io.nasspark.jobs.contract.GroupEvaluator;
import io.nasspark.jobs.contract.StoredCandidates;
import io.nasspark.latency.DeviceProfile;
import io.nasspark.latency.LatencyMeter;
import io.nasspark.latency.LatencyProtocol;
import io.nasspark.latency.LatencyStats;
import io.nasspark.latency.ReferenceNetwork;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.schema.Tables;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * Measures stored candidates on the executor that runs them: one at a time, or a task's
 * candidates round-robin beside the reference network of their space, each divided by how much
 * slower than its stored time the reference ran in that group ({@link ReferenceNetwork}).
 */
public final class LatencyEvaluator implements GroupEvaluator {

    private final LatencyProtocol protocol;
    private final String device;
    private final boolean deviceGiven;
    private final String runId;
    private final Map<String, Double> referenceP10;
    private final boolean calibrating;

    /**
     * @param device the device label every row of the run is keyed by
     * @param deviceGiven whether the user named the device; if not, an executor whose own
     *     profile differs from {@code device} refuses to measure (its numbers belong elsewhere)
     * @param referenceP10 stored 10th percentile of each reference network, by
     *     {@link #referenceKey}; {@code null} while the references themselves are measured
     */
    LatencyEvaluator(LatencyProtocol protocol, String device, boolean deviceGiven, String runId,
            Map<String, Double> referenceP10) {
        this.protocol = protocol;
        this.device = device;
        this.deviceGiven = deviceGiven;
        this.runId = runId;
        this.calibrating = protocol.interleaved() && referenceP10 != null;
        this.referenceP10 = referenceP10 == null ? Map.of() : new HashMap<>(referenceP10);
    }

    /** What identifies a reference network: the space, input size and classes it is built for. */
    static String referenceKey(String space, int inputSize, int classes) {
        return space + "@" + inputSize + "x" + classes;
    }

    @Override
    public List<Row> evaluateGroup(List<Row> candidates) {
        DeviceProfile profile = checkedProfile(protocol, device, deviceGiven);
        Row[] out = new Row[candidates.size()];
        List<Timed> timed = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Row candidate = candidates.get(i);
            try {
                SearchSpace space = SearchSpaces.byName(candidate.getAs("space"));
                int size = candidate.<Integer>getAs("input_size");
                Layer network = timed(space, StoredCandidates.parse(space, candidate), size,
                        candidate.<Integer>getAs("classes"));
                timed.add(new Timed(i, network, FeatureShape.image(3, size), keyOf(candidate)));
            } catch (Exception e) {
                out[i] = failed(candidate, CandidateEvaluator.describe(e));
            }
        }
        Map<String, Integer> references = protocol.interleaved() ? addReferences(candidates, timed) : Map.of();
        // A reference's stored time scales every row calibrated by it: it gets the passes of a whole group.
        LatencyProtocol timing = protocol.interleaved() && !calibrating ? protocol.stretched(protocol.interleave())
                : protocol;
        List<LatencyMeter.Measurement> measured = LatencyMeter.measureRoundRobin(
                timed.stream().map(Timed::network).toList(), timed.stream().map(Timed::input).toList(), timing);
        for (int t = 0; t < timed.size(); t++) {
            Timed x = timed.get(t);
            if (x.candidate() < 0) {
                continue;
            }
            LatencyMeter.Measurement m = measured.get(t);
            if (calibrating) {
                m = m.atReferenceSpeed(ReferenceNetwork.slowdown(measured.get(references.get(x.key())),
                        referenceP10.get(x.key())));
            }
            out[x.candidate()] = measuredRow(common(candidates.get(x.candidate()), timing, Tables.OK, null), m, profile);
        }
        return List.of(out);
    }

    /** What the protocol times of candidate {@code c}: its network, or the network's deep-to-shallow transform. */
    private Layer timed(SearchSpace space, Candidate c, int size, int classes) {
        Layer network = space.network(c, size, classes);
        return protocol.transformed() ? LinearMerge.shallow(network, FeatureShape.image(3, size)) : network;
    }

    /** A network to time: the candidate it belongs to (-1 for a reference) and its reference key. */
    private record Timed(int candidate, Layer network, FeatureShape input, String key) {}

    private static String keyOf(Row candidate) {
        return referenceKey(candidate.getAs("space"), candidate.getAs("input_size"), candidate.getAs("classes"));
    }

    /**
     * Adds each reference the group needs to {@code timed}, unless the group holds it already;
     * returns where each reference is. Without a stored time for a reference the group cannot be
     * calibrated: its candidates fail, naming the reference.
     */
    private Map<String, Integer> addReferences(List<Row> candidates, List<Timed> timed) {
        Map<String, Integer> at = new HashMap<>();
        for (int t = 0, n = timed.size(); t < n; t++) {
            Timed x = timed.get(t);
            if (at.containsKey(x.key())) {
                continue;
            }
            Row candidate = candidates.get(x.candidate());
            SearchSpace space = SearchSpaces.byName(candidate.getAs("space"));
            int size = candidate.<Integer>getAs("input_size");
            int classes = candidate.<Integer>getAs("classes");
            if (calibrating && !referenceP10.containsKey(x.key())) {
                throw new IllegalStateException("no stored time of the reference network for " + x.key()
                        + "; its measurement failed, so this group cannot be calibrated");
            }
            Candidate reference = ReferenceNetwork.of(space, size, classes);
            int inGroup = indexOf(timed, candidates, space.id(reference), x.key());
            if (inGroup >= 0) {
                at.put(x.key(), inGroup);
            } else {
                timed.add(new Timed(-1, timed(space, reference, size, classes), FeatureShape.image(3, size), x.key()));
                at.put(x.key(), timed.size() - 1);
            }
        }
        return at;
    }

    private static int indexOf(List<Timed> timed, List<Row> candidates, String id, String key) {
        for (int t = 0; t < timed.size(); t++) {
            Timed x = timed.get(t);
            if (x.candidate() >= 0 && x.key().equals(key) && id.equals(candidates.get(x.candidate()).getAs("id"))) {
                return t;
            }
        }
        return -1;
    }

    /**
     * This executor's profile, refusing to measure on one that is not the run's device unless
     * the user named the device.
     */
    public static DeviceProfile checkedProfile(LatencyProtocol protocol, String device, boolean deviceGiven) {
        DeviceProfile profile = DeviceProfile.current(protocol.threads());
        if (!deviceGiven && !profile.label().equals(device)) {
            throw new IllegalStateException("executor on " + profile.host() + " is '" + profile.label()
                    + "', not the run's device '" + device + "'; give --device to group them anyway");
        }
        return profile;
    }

    /** A {@code latency} row: {@code row}'s key and run columns with a measurement and profile. */
    public static Row measuredRow(Map<String, Object> row, LatencyMeter.Measurement m, DeviceProfile profile) {
        LatencyStats s = m.stats();
        row.put("median_ms", s.median());
        row.put("p10_ms", s.p10());
        row.put("p90_ms", s.p90());
        row.put("std_ms", s.std());
        row.put("cv", s.cv());
        row.put("op_calls", m.opCalls());
        row.put("harness_ms", m.harnessMillis());
        row.put("harness_share", m.harnessShare());
        row.put("engine", profile.engine());
        row.put("cpu_model", profile.cpuModel());
        row.put("cpu_cores", profile.cpuCores());
        row.put("os", profile.os());
        row.put("jvm", profile.jvm());
        row.put("host", profile.host());
        return Tables.LATENCY.row(row);
    }

    @Override
    public Row failed(Row candidate, String error) {
        Map<String, Object> row = common(candidate, protocol, Tables.FAILED, error);
        return Tables.LATENCY.row(row);
    }

    /** The key and run columns; the warm-up and repeat columns say what {@code timing} did. */
    private Map<String, Object> common(Row candidate, LatencyProtocol timing, String status, String error) {
        return keyColumns(candidate.getAs("id"), candidate.getAs("input_size"), candidate.getAs("classes"),
                candidate.getAs("space"), device, timing, protocol.label(), status, error, runId);
    }

    /** The columns of a {@code latency} row that do not come from the measurement. */
    public static Map<String, Object> keyColumns(String id, int inputSize, int classes, String space, String device,
            LatencyProtocol protocol, String protocolLabel, String status, String error, String runId) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", id);
        row.put("input_size", inputSize);
        row.put("classes", classes);
        row.put("device", device);
        row.put("protocol", protocolLabel);
        row.put("space", space);
        row.put("batch", protocol.batch());
        row.put("warmup", protocol.warmup());
        row.put("repeats", protocol.repeats());
        row.put("threads", protocol.threads());
        row.put("source", "measured");
        row.put("status", status);
        row.put("error", error);
        row.put("run_id", runId);
        row.put("measured_at", Timestamp.from(Instant.now()));
        return row;
    }
}
