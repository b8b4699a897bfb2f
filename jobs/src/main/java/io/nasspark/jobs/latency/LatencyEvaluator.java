package io.nasspark.jobs.latency;

import io.nasspark.jobs.contract.CandidateEvaluator;
import io.nasspark.jobs.contract.StoredCandidates;
import io.nasspark.latency.DeviceProfile;
import io.nasspark.latency.LatencyMeter;
import io.nasspark.latency.LatencyProtocol;
import io.nasspark.latency.LatencyStats;
import io.nasspark.model.FeatureShape;
import io.nasspark.schema.Tables;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Measures one stored candidate on the executor that runs it. */
public final class LatencyEvaluator implements CandidateEvaluator {

    private final LatencyProtocol protocol;
    private final String device;
    private final boolean deviceGiven;
    private final String runId;

    /**
     * @param device the device label every row of the run is keyed by
     * @param deviceGiven whether the user named the device; if not, an executor whose own
     *     profile differs from {@code device} refuses to measure (its numbers belong elsewhere)
     */
    LatencyEvaluator(LatencyProtocol protocol, String device, boolean deviceGiven, String runId) {
        this.protocol = protocol;
        this.device = device;
        this.deviceGiven = deviceGiven;
        this.runId = runId;
    }

    @Override
    public Row evaluate(Row candidate) {
        DeviceProfile profile = checkedProfile(protocol, device, deviceGiven);
        SearchSpace space = SearchSpaces.byName(candidate.getAs("space"));
        Candidate c = StoredCandidates.parse(space, candidate);
        int size = candidate.<Integer>getAs("input_size");
        LatencyMeter.Measurement m = LatencyMeter.measure(
                space.network(c, size, candidate.<Integer>getAs("classes")), FeatureShape.image(3, size), protocol);
        return measuredRow(common(candidate, Tables.OK, null), m, profile);
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
        Map<String, Object> row = common(candidate, Tables.FAILED, error);
        return Tables.LATENCY.row(row);
    }

    private Map<String, Object> common(Row candidate, String status, String error) {
        return keyColumns(candidate.getAs("id"), candidate.getAs("input_size"), candidate.getAs("classes"),
                candidate.getAs("space"), device, protocol, protocol.label(), status, error, runId);
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
