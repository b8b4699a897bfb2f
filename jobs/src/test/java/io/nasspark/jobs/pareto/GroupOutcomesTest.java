package io.nasspark.jobs.pareto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class GroupOutcomesTest {

    @Test
    void anOutcomeDeliveredTwiceCountsOnce() {
        GroupOutcomes.Outcome g0 = new GroupOutcomes.Outcome("grp=g0", 10, 1, List.of(RowFactory.create("a")));
        GroupOutcomes.Outcome g1 = new GroupOutcomes.Outcome("grp=g1", 7, 0, List.of());
        GroupOutcomes driver = new GroupOutcomes();
        GroupOutcomes firstAttempt = new GroupOutcomes();
        firstAttempt.add(g0);
        GroupOutcomes retried = new GroupOutcomes(); // the same task run again: the same outcome
        retried.add(g0);
        retried.add(g1);
        driver.merge(firstAttempt);
        driver.merge(retried);
        driver.merge(firstAttempt.copy());

        assertEquals(List.of("grp=g0", "grp=g1"), List.copyOf(driver.value().keySet()));
        assertEquals(17, driver.value().values().stream().mapToLong(GroupOutcomes.Outcome::inputRows).sum());
        assertEquals(false, driver.isZero());
        driver.reset();
        assertEquals(true, driver.isZero());
    }
}
