package io.nasspark.jobs.compress;

import io.nasspark.compress.Equivalence;
import io.nasspark.compress.LinearMerge;
import io.nasspark.jobs.contract.CandidateEvaluator;
import io.nasspark.jobs.contract.StoredCandidates;
import io.nasspark.jobs.latency.LatencyEvaluator;
import io.nasspark.latency.DeviceProfile;
import io.nasspark.latency.LatencyMeter;
import io.nasspark.latency.LatencyProtocol;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.Layer;
import io.nasspark.schema.Tables;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.graft.GraftSpace;
import io.nasspark.util.Seeds;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * One grafted candidate: trained-like random values (latency does not depend on the values,
 * and the check should not pass by way of identity BatchNorms), the merged network, the check
 * that both compute the same, and the latency of the original, grafted and merged networks,
 * measured back to back on the same executor.
 */
final class ReparameterizeEvaluator implements CandidateEvaluator {

    private final LatencyProtocol protocol;
    private final String device;
    private final boolean deviceGiven;
    private final long seed;
    private final String runId;

    /** @param seed seeds the random values and the check's input batch, mixed with each id */
    ReparameterizeEvaluator(LatencyProtocol protocol, String device, boolean deviceGiven, long seed, String runId) {
        this.protocol = protocol;
        this.device = device;
        this.deviceGiven = deviceGiven;
        this.seed = seed;
        this.runId = runId;
    }

    @Override
    public StructField[] extraColumns() {
        return new StructField[] {
            DataTypes.createStructField("latency_rows", DataTypes.createArrayType(Tables.LATENCY.schema(), false), false),
        };
    }

    @Override
    public Row evaluate(Row candidate) {
        SearchSpace s = SearchSpaces.byName(candidate.getAs("space"));
        if (!(s instanceof GraftSpace space)) {
            throw new IllegalArgumentException(s.name() + " is not a grafting space (graft:BASE)");
        }
        Candidate c = StoredCandidates.parse(space, candidate);
        int size = candidate.<Integer>getAs("input_size");
        FeatureShape input = FeatureShape.image(3, size);
        Layer grafted = space.network(c, size, candidate.<Integer>getAs("classes"));
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, candidate.<String>getAs("id").hashCode()));
        List<float[]> values = Equivalence.trainedLikeValues(grafted, input, rng);
        return checkedAndMeasured(candidate, space, grafted, c, values, LinearMerge.merge(grafted, values, input), rng);
    }

    /**
     * The row for {@code merged}, the merge of {@code grafted} (candidate {@code c}) with
     * {@code values}: measured when it computes what the grafted network does, else failed with
     * the difference in words (no latency is worth measuring for a network that computes
     * something else).
     */
    Row checkedAndMeasured(Row candidate, GraftSpace space, Layer grafted, Candidate c, List<float[]> values,
            LinearMerge.Result merged, SplittableRandom rng) {
        int size = candidate.<Integer>getAs("input_size");
        int classes = candidate.<Integer>getAs("classes");
        FeatureShape input = FeatureShape.image(3, size);
        Equivalence.Gap gap = Equivalence.compare(grafted, values, merged.network(), merged.values(), input, 2, rng);
        Map<String, Object> row = common(candidate, space, c, gap.equivalent() ? Tables.OK : Tables.FAILED,
                gap.equivalent() ? null : gap.difference());
        row.put("linear_before", merged.linearBefore());
        row.put("linear_after", merged.linearAfter());
        row.put("refusals", merged.refusals().isEmpty() ? null : refusalText(space, merged.refusals()));
        row.put("largest_error", gap.largestError());
        row.put("largest_output", gap.largestOutput());
        if (!gap.equivalent()) {
            return CandidateEvaluator.withExtras(Tables.REPARAMETERIZATIONS.row(row), List.of());
        }

        DeviceProfile profile = LatencyEvaluator.checkedProfile(protocol, device, deviceGiven);
        LatencyMeter.Measurement original = LatencyMeter.measure(
                space.network(space.original(), size, classes), input, protocol);
        LatencyMeter.Measurement graftedTime = LatencyMeter.measure(grafted, input, protocol);
        LatencyMeter.Measurement mergedTime = LatencyMeter.measure(merged.network(), input, protocol);
        String id = candidate.getAs("id");
        String baseId = space.id(space.original());
        List<Row> latencyRows = List.of(
                latencyRow(baseId, candidate, protocol.label(), original, profile),
                latencyRow(id, candidate, protocol.label(), graftedTime, profile),
                latencyRow(id, candidate, protocol.label() + LinearMerge.MERGED_SUFFIX, mergedTime, profile));
        row.put("original_ms", original.stats().median());
        row.put("grafted_ms", graftedTime.stats().median());
        row.put("merged_ms", mergedTime.stats().median());
        row.put("speedup", original.stats().median() / mergedTime.stats().median());
        row.put("merge_speedup", graftedTime.stats().median() / mergedTime.stats().median());
        return CandidateEvaluator.withExtras(Tables.REPARAMETERIZATIONS.row(row), latencyRows);
    }

    /** Refusals with the block of the base they are in named. */
    static String refusalText(GraftSpace space, List<LinearMerge.Refusal> refusals) {
        return refusals.stream()
                .map(r -> space.describe(r.path()) + " (" + r.layer() + "): kept as it is, " + r.reason())
                .collect(Collectors.joining("; "));
    }

    private Row latencyRow(String id, Row candidate, String protocolLabel, LatencyMeter.Measurement m,
            DeviceProfile profile) {
        return LatencyEvaluator.measuredRow(LatencyEvaluator.keyColumns(id, candidate.getAs("input_size"),
                candidate.getAs("classes"), candidate.getAs("space"), device, protocol, protocolLabel, Tables.OK, null,
                runId), m, profile);
    }

    @Override
    public Row failed(Row candidate, String error) {
        Map<String, Object> row = common(candidate, null, null, Tables.FAILED, error);
        return CandidateEvaluator.withExtras(Tables.REPARAMETERIZATIONS.row(row), List.of());
    }

    private Map<String, Object> common(Row candidate, GraftSpace space, Candidate c, String status, String error) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", candidate.getAs("id"));
        row.put("input_size", candidate.getAs("input_size"));
        row.put("classes", candidate.getAs("classes"));
        row.put("device", device);
        row.put("protocol", protocol.label());
        row.put("space", candidate.getAs("space"));
        row.put("arch", candidate.getAs("arch"));
        if (space != null) {
            row.put("base_id", space.id(space.original()));
            row.put("blocks", space.genes());
            row.put("grafted_blocks", space.grafted(c));
        }
        row.put("status", status);
        row.put("error", error);
        row.put("run_id", runId);
        row.put("created_at", Timestamp.from(Instant.now()));
        return row;
    }
}
