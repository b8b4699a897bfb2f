package io.nasspark.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void aLineSaysDoneOfTotalRateAndTimeLeft() {
        assertEquals("sample nb201: 4,000/10,000 candidates (40%), 1,000/s, ~6 s left, 4 s elapsed",
                Progress.line("sample nb201", 4_000, 10_000, "candidates", 4.0));
        assertEquals("x: 0/5 runs (0%), 0.00/s, time left unknown, 1 min 30 s elapsed",
                Progress.line("x", 0, 5, "runs", 90.0));
        assertEquals("x: 5/5 runs (100%), 1.00/s, writing, 5 s elapsed",
                Progress.line("x", 5, 5, "runs", 5.0));
        assertEquals("x: 1/3,601 runs (0%), 1.00/s, ~1 h 0 min left, 1 s elapsed",
                Progress.line("x", 1, 3_601, "runs", 1.0));
    }
}
