package io.nasspark.jobs.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.jobs.CliRun;
import io.nasspark.jobs.SparkTestBase;
import io.nasspark.jobs.SyntheticPairs;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Predictor-guided exploration of a grafting space (thesis §5.3.4): a latency predictor fit on
 * the grafting bits against measured merged latency, a meta-accuracy predictor adapted from
 * source tasks, and evolve maximising the one under a budget on the other.
 */
class DominoExplorationSparkTest extends SparkTestBase {

    private static final String SPACE = "graft:resnet-small";

    @BeforeEach
    void emptyTables() {
        drop();
    }

    @Test
    void evolveMaximisesMetaAccuracyUnderAPredictedMergedLatencyBudget() {
        assertEquals(0, nas("sample --space " + SPACE + " --count 16 --input-size 16 --seed 1").code());
        CliRun measured = nas("reparameterize --space " + SPACE + " --warmup 1 --repeats 3");
        assertEquals(0, measured.code(), measured.err());
        CliRun latency = nas("train-predictor --target latency --model mlp --train-size 12 --seed 1 --group protocol="
                + "b1-w1-r3-t1+merged");
        assertEquals(0, latency.code(), latency.err());
        Row latencyPredictor = spark.sql("SELECT predictor_id, grp FROM " + table("predictors")).first();
        assertTrue(latencyPredictor.getString(1).contains("+merged"), latencyPredictor.getString(1));

        assertEquals(0, nas("sample --space " + SPACE + " --count 150 --input-size 8 --classes 5 --seed 2").code());
        List<Row> pairs = spark.sql("SELECT id, arch, input_size, classes FROM " + table("architectures")
                + " WHERE input_size = 8 ORDER BY sample_index").collectAsList();
        SearchSpace space = SearchSpaces.byName(SPACE);
        SyntheticPairs.write(spark, space, pairs.subList(0, 60), "source-a", 70, 6, false);
        SyntheticPairs.write(spark, space, pairs.subList(60, 120), "source-b", 55, 3, false);
        SyntheticPairs.write(spark, space, pairs.subList(120, 150), "target", 88, 2, false);
        assertEquals(0, nas("meta-pretrain --source-tasks source-a,source-b --outer-steps 100 --hidden 32,16"
                + " --seed 1").code());
        CliRun adapt = nas("meta-adapt --target-task target --shots 10 --seed 0");
        assertEquals(0, adapt.code(), adapt.err());
        String meta = spark.sql("SELECT predictor_id FROM " + table("predictors") + " WHERE model = 'maml'")
                .first().getString(0);

        double budget = spark.sql("SELECT percentile(merged_ms, 0.5) FROM " + table("reparameterizations"))
                .first().getDouble(0);
        CliRun search = nas("evolve --space " + SPACE + " --input-size 16 --fitness predictor:" + meta
                + " --latency-predictor " + latencyPredictor.getString(0) + " --max-latency-ms " + budget
                + " --population 8 --generations 3 --keep 4 --seed 3 --search-id domino");
        assertEquals(0, search.code(), search.err());
        assertEquals(0, spark.sql("SELECT * FROM " + table("search_generations") + " WHERE search_id = 'domino'"
                + " AND evaluated AND NOT latency_ms <= " + budget).count(), "every candidate within the budget");
        assertEquals(0, spark.sql("SELECT * FROM " + table("search_generations") + " g JOIN " + table("predictions")
                + " p ON g.id = p.id AND p.predictor_id = '" + meta + "' WHERE g.search_id = 'domino' AND g.evaluated"
                + " AND g.fitness != p.predicted").count(), "fitness is the meta-accuracy prediction");
        assertTrue(spark.sql("SELECT * FROM " + table("search_generations") + " WHERE search_id = 'domino'"
                + " AND evaluated").count() >= 8);
    }
}
