package io.nasspark.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunLogTest {

    @Test
    void secretSettingsAreMaskedInTheRecordedArguments() {
        assertEquals("sample --conf spark.sql.catalog.nas.jdbc.password=****** --seed 3 --conf a.token=******",
                RunLog.redacted("sample --conf spark.sql.catalog.nas.jdbc.password=s3cr=t --seed 3 --conf a.token=x"));
        assertEquals("sample --space nb201", RunLog.redacted("sample --space nb201"));
    }
}
