package io.nasspark.space.nb201;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.model.Cost;
import io.nasspark.model.CostModel;
import io.nasspark.model.FeatureShape;
import io.nasspark.space.ArchParseException;
import io.nasspark.space.Candidate;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Nb201SpaceTest {

    private final Nb201Space space = new Nb201Space();

    @Test
    void enumeratesAllCellsWithDistinctIdsAndTheBenchmarksIsomorphismClasses() {
        assertEquals(15_625, space.size().intValueExact());
        Set<String> ids = new HashSet<>();
        Set<String> canonical = new HashSet<>();
        Set<String> strings = new HashSet<>();
        for (long i = 0; i < 15_625; i++) {
            Candidate c = space.candidate(i);
            String arch = space.format(c);
            assertEquals(c, space.parse(arch), arch);
            strings.add(arch);
            ids.add(space.id(c));
            canonical.add(space.canonicalId(c));
        }
        assertEquals(15_625, strings.size());
        assertEquals(15_625, ids.size());
        assertEquals(6_466, canonical.size());
    }

    @Test
    void costTwinsSwapNodesOneAndTwoAndCostTheSame() {
        int twins = 0;
        for (long i = 0; i < 15_625; i++) {
            Candidate c = space.candidate(i);
            Candidate twin = space.costTwin(c);
            if (twin == null) {
                continue;
            }
            twins++;
            assertNotEquals(c, twin);
            assertEquals(c, space.costTwin(twin), "a twin's twin is the cell itself");
            Cost a = CostModel.of(space.network(c, 32, 10), new FeatureShape(3, 32, 32));
            Cost b = CostModel.of(space.network(twin, 32, 10), new FeatureShape(3, 32, 32));
            assertEquals(a, b, space.format(c) + " and " + space.format(twin));
        }
        // Edge 2<-1 none (5^5 cells) less those equal to their own swap (5^3): 3,000 cells, 1,500 pairs.
        assertEquals(3_000, twins);
        Candidate withOp = space.parse("|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|none~1|none~2|");
        assertEquals(null, space.costTwin(withOp), "an op on edge 2<-1 orders the nodes");
    }

    @Test
    void parsesTheBenchmarkStringInEdgeOrder() {
        Candidate c = space.parse(
                "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|");
        assertArrayEquals(new int[] {3, 0, 1, 2, 4, 3}, c.genes());
        assertEquals("3,0,1,2,4,3", space.encoding(c));
    }

    @Test
    void idsAreStableAcrossVersionsOfTheCode() {
        // A changed id would orphan every stored row: this value must never move.
        Candidate c = space.parse(
                "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        assertEquals("e32fa0bee25bae26d7171272c002f6c8", space.id(c));
        assertEquals("97bcecfd49691cb6713b6ec20ba6c3d0", space.canonicalId(c));
    }

    @Test
    void isomorphicCellsShareCanonicalIdButKeepTheirOwnIds() {
        // Node 1 is zero in both; what flows from it is zero whatever the op.
        Candidate a = space.parse("|none~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|");
        Candidate b = space.parse("|none~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|");
        assertNotEquals(space.id(a), space.id(b));
        assertEquals(space.canonicalId(a), space.canonicalId(b));
        Candidate c = space.parse("|none~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|");
        assertNotEquals(space.canonicalId(a), space.canonicalId(c));
    }

    @Test
    void badStringsNameTheOffendingToken() {
        ArchParseException op = assertThrows(ArchParseException.class,
                () -> space.parse("|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|"));
        assertTrue(op.getMessage().contains("conv_5x5"), op.getMessage());
        ArchParseException source = assertThrows(ArchParseException.class,
                () -> space.parse("|none~0|+|none~0|none~0|+|none~0|none~1|none~2|"));
        assertTrue(source.getMessage().contains("none~0' of node 2"), source.getMessage());
        assertThrows(ArchParseException.class, () -> space.parse("|none~0|+|none~0|none~1|"));
        assertThrows(ArchParseException.class, () -> space.parse("resnet"));
    }

    @Test
    void mutationChangesTheCellAndCrossoverMixesParents() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int k = 0; k < 200; k++) {
            Candidate a = space.sample(rng);
            Candidate b = space.sample(rng);
            Candidate m = space.mutate(a, 0.1, rng);
            assertNotEquals(space.encoding(a), space.encoding(m));
            Candidate x = space.crossover(a, b, rng);
            for (int i = 0; i < Nb201Space.EDGES; i++) {
                assertTrue(x.gene(i) == a.gene(i) || x.gene(i) == b.gene(i));
            }
        }
    }

    @Test
    void encodingsForPredictors() {
        Candidate c = space.parse("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|");
        float[] oneHot = space.oneHot(c);
        assertEquals(30, oneHot.length);
        assertEquals(1f, oneHot[3]);
        assertEquals(1f, oneHot[5]);
        var graph = space.graph(c);
        assertEquals(8, graph.nodes());
        assertEquals(1, graph.adjacency()[0][1]); // input feeds edge 1<-0
        assertEquals(1, graph.adjacency()[1][3]); // edge 1<-0 feeds edge 2<-1
        assertEquals(1, graph.adjacency()[6][7]); // edge 3<-2 feeds the output
        assertEquals(0, graph.adjacency()[2][7]); // edge 2<-0 ends at node 2, not the output
        assertEquals(1f, graph.features()[1][2 + 3]);
    }
}
