package io.nasspark.jobs.pipeline;

import static org.apache.spark.sql.functions.col;

import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A pipeline's rows in {@code pipeline_stages}: one per stage, replaced as the stage starts and
 * ends, so a driver killed mid-stage leaves it {@code running} and the next run resumes it. The
 * pipeline's rows are few and this driver is their one writer, so each change rewrites them as
 * one slice from the driver, without a Spark job.
 */
final class StageRecords {

    static final String RUNNING = "running";
    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";

    /** A stage's stored row. */
    record Stored(String status, String fingerprint, Map<String, String> outputs, Timestamp finishedAt) {}

    /** A stage as it is about to run: what its row holds besides the status and the outcome. */
    record Started(String stage, int position, String job, String args, String fingerprint, String pipelineRunId,
            Timestamp startedAt) {}

    private final TableStore store;
    private final String pipeline;
    private final Map<String, Row> byStage = new LinkedHashMap<>();

    StageRecords(SparkSession spark, String pipeline) {
        this.store = new TableStore(spark);
        this.pipeline = pipeline;
    }

    /** Every stored stage of the pipeline, by stage name; read once, before the stages run. */
    Map<String, Stored> stored() {
        Map<String, Stored> stored = new LinkedHashMap<>();
        if (!store.exists(Tables.PIPELINE_STAGES)) {
            return stored;
        }
        for (Row r : store.read(Tables.PIPELINE_STAGES).where(col("pipeline").equalTo(pipeline)).collectAsList()) {
            byStage.put(r.getAs("stage"), r);
            stored.put(r.getAs("stage"), new Stored(r.getAs("status"), r.getAs("fingerprint"),
                    r.isNullAt(r.fieldIndex("outputs")) ? Map.of() : r.getJavaMap(r.fieldIndex("outputs")),
                    r.getAs("finished_at")));
        }
        return stored;
    }

    void running(Started s) {
        write(s, RUNNING, null, Map.of(), null, null);
    }

    void succeeded(Started s, Map<String, String> outputs, Long rows, String message) {
        write(s, SUCCEEDED, outputs.get(StageOutputs.RUN_ID), outputs, rows, message);
    }

    /** Best effort: the stage's own error is what the user must see. */
    void failed(Started s, String message) {
        try {
            write(s, FAILED, null, Map.of(), null, message);
        } catch (RuntimeException e) {
            System.err.println("pipeline: could not record failed stage " + s.stage() + ": " + e.getMessage());
        }
    }

    private void write(Started s, String status, String stageRunId, Map<String, String> outputs, Long rows,
            String message) {
        Timestamp now = Timestamp.from(Instant.now());
        boolean ended = !status.equals(RUNNING);
        Row row = RowFactory.create(pipeline, s.stage(), s.position(), s.job(), s.args(), s.fingerprint(), status,
                stageRunId, s.pipelineRunId(), outputs,
                rows, ended ? (now.getTime() - s.startedAt().getTime()) / 1e3 : null, message, s.startedAt(),
                ended ? now : null);
        byStage.put(s.stage(), row);
        store.replaceSlice(Tables.PIPELINE_STAGES, new ArrayList<>(byStage.values()), "pipeline", pipeline);
    }
}
