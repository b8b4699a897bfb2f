package io.nasspark.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CodeVersionTest {

    @Test
    void theSparkOnTheClasspathIsTheOneTheJarWasBuiltFor() {
        CodeVersion.requireSparkOfBuild(org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                scala.util.Properties.versionNumberString());
        CodeVersion.requireSparkOfBuild("4.1.3", "2.13.16"); // patch releases are compatible
    }

    @Test
    void anotherSparkOrScalaIsNamedWithBothVersions() {
        IllegalArgumentException spark = assertThrows(IllegalArgumentException.class,
                () -> CodeVersion.requireSparkOfBuild("3.5.1", "2.13.8"));
        assertEquals("this jar was built for Spark 4.1.0 (Scala 2.13) but runs on Spark 3.5.1"
                + " (Scala 2.13.8); use a cluster with a Spark 4.1.0 distribution", spark.getMessage());
        IllegalArgumentException executors = assertThrows(IllegalArgumentException.class,
                () -> CodeVersion.requireExecutorSparkOfBuild("4.0.1", "2.13.16"));
        assertTrue(executors.getMessage().contains("but its executors run Spark 4.0.1 (Scala 2.13.16)"),
                executors.getMessage());
        IllegalArgumentException scala = assertThrows(IllegalArgumentException.class,
                () -> CodeVersion.requireSparkOfBuild("4.1.0", "2.12.18"));
        assertTrue(scala.getMessage().contains("(Scala 2.12.18)"), scala.getMessage());
    }

    @Test
    void theCodeVersionNamesTheProjectVersionAndCommit() {
        assertTrue(CodeVersion.current().matches("0\\.1\\.0-SNAPSHOT\\+(\\p{XDigit}{7,}|unknown)(-dirty)?"),
                CodeVersion.current());
    }
}
