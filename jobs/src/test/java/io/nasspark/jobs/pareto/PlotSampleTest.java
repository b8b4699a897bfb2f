package io.nasspark.jobs.pareto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The plot sample is the bottom-k of distinct ids by hash, however the offers are split and repeated. */
class PlotSampleTest {

    @Test
    void theSampleIsTheSmallestHashesOfDistinctIdsWhateverTheSplitAndRepeats() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int size = 1 + rng.nextInt(40);
            int distinct = 1 + rng.nextInt(300);
            List<String> offers = new ArrayList<>();
            for (int i = 0; i < distinct; i++) {
                for (int copies = 1 + (rng.nextInt(4) == 0 ? rng.nextInt(30) : 0); copies > 0; copies--) {
                    offers.add("c" + i);
                }
            }
            Collections.shuffle(offers, new java.util.Random(trial));
            List<String> expected = offers.stream().distinct()
                    .sorted(Comparator.<String>comparingLong(FrontsFn::hash).thenComparing(Comparator.naturalOrder()))
                    .limit(size).toList();

            PlotSample whole = new PlotSample(size, 2);
            offers.forEach(id -> offer(whole, id));
            assertEquals(expected, ids(whole.entries()), "trial " + trial + ", one stream");
            whole.entries().forEach(PlotSampleTest::assertCarriesItsPoint);

            // Split in parts, each sampled, then the parts' samples merged: the same sample.
            int parts = 1 + rng.nextInt(5);
            PlotSample merged = new PlotSample(size, 2);
            for (int p = 0; p < parts; p++) {
                PlotSample part = new PlotSample(size, 2);
                for (int i = p; i < offers.size(); i += parts) {
                    offer(part, offers.get(i));
                }
                part.entries().forEach(e -> merged.offer(e.hash(), e.id(), e.arch(), e.values()));
            }
            assertEquals(expected, ids(merged.entries()), "trial " + trial + ", " + parts + " parts merged");
            merged.entries().forEach(PlotSampleTest::assertCarriesItsPoint);
        }
    }

    @Test
    void anIdHashedWhereItLiesHashesAsItsString() {
        for (String id : List.of("", "c1", "c1234567", "nb201|avg_pool_3x3~0|+|nor_conv_1x1~0|", "é-ü-漢")) {
            byte[] utf8 = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] inBatch = new byte[utf8.length + 7]; // other rows' bytes around it
            java.util.Arrays.fill(inBatch, (byte) 'x');
            System.arraycopy(utf8, 0, inBatch, 3, utf8.length);
            assertEquals(FrontsFn.hash(id), FrontsFn.hash(inBatch, 3, utf8.length), id);
        }
    }

    @Test
    void aSampleOfSizeZeroKeepsNothing() {
        PlotSample none = new PlotSample(0, 2);
        offer(none, "c1");
        assertEquals(List.of(), none.entries());
    }

    private static void offer(PlotSample s, String id) {
        s.offer(FrontsFn.hash(id), id, id.hashCode() % 3 == 0 ? null : "arch-é-" + id, point(id));
    }

    private static double[] point(String id) {
        return new double[] {id.length(), id.hashCode()};
    }

    /** An entry keeps the arch and values offered with its id, through cuts and merges. */
    private static void assertCarriesItsPoint(PlotSample.Entry e) {
        assertEquals(e.id().hashCode() % 3 == 0 ? null : "arch-é-" + e.id(), e.arch());
        assertEquals(java.util.Arrays.toString(point(e.id())), java.util.Arrays.toString(e.values()));
        assertEquals(FrontsFn.hash(e.id()), e.hash());
    }

    private static List<String> ids(List<PlotSample.Entry> entries) {
        return entries.stream().map(PlotSample.Entry::id).toList();
    }
}
