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

            PlotSample whole = new PlotSample(size);
            offers.forEach(id -> offer(whole, id));
            assertEquals(expected, ids(whole.entries()), "trial " + trial + ", one stream");

            // Split in parts, each sampled, then the parts' samples merged: the same sample.
            int parts = 1 + rng.nextInt(5);
            PlotSample merged = new PlotSample(size);
            for (int p = 0; p < parts; p++) {
                PlotSample part = new PlotSample(size);
                for (int i = p; i < offers.size(); i += parts) {
                    offer(part, offers.get(i));
                }
                part.entries().forEach(e -> merged.offer(e.hash(), e.id(), e.arch(), e.values()));
            }
            assertEquals(expected, ids(merged.entries()), "trial " + trial + ", " + parts + " parts merged");
        }
    }

    @Test
    void aSampleOfSizeZeroKeepsNothing() {
        PlotSample none = new PlotSample(0);
        offer(none, "c1");
        assertEquals(List.of(), none.entries());
    }

    private static void offer(PlotSample s, String id) {
        s.offer(FrontsFn.hash(id), id, null, new double[] {1, 2});
    }

    private static List<String> ids(List<PlotSample.Entry> entries) {
        return entries.stream().map(PlotSample.Entry::id).toList();
    }
}
