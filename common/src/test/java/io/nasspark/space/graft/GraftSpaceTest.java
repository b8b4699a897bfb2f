package io.nasspark.space.graft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.model.Layer;
import io.nasspark.space.ArchParseException;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.mbconv.MbConvSpace;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GraftSpaceTest {

    @Test
    void keepingEveryBlockGivesTheBaseNetwork() {
        MbConvSpace mbconv = MbConvSpace.small(false);
        Candidate base = mbconv.sample(new SplittableRandom(3));
        GraftSpace space = (GraftSpace) SearchSpaces.byName("graft:mbconv-small:" + mbconv.format(base));
        assertEquals(mbconv.graftableBlocks(base), space.genes());
        assertEquals(mbconv.network(base, 32, 10), space.network(space.original(), 32, 10));
        assertEquals(space.genes(), space.blockNames().size());
        assertTrue(space.blockNames().get(0).contains("fixed first layer"), space.blockNames().get(0));
    }

    @Test
    void theMobileNetV2LikeBaseHasTheShortName() {
        String arch = String.join("-", java.util.Collections.nCopies(21, "MBK3E6"));
        assertEquals("graft:mbconv-small", SearchSpaces.byName("graft:mbconv-small:" + arch).name());
        assertEquals(22, ((GraftSpace) SearchSpaces.byName("graft:mbconv-small")).genes());
        assertEquals(9, ((GraftSpace) SearchSpaces.byName("graft:resnet-small")).genes());
        assertEquals(6, ((GraftSpace) SearchSpaces.byName("graft:resnet-basic-small")).genes());
    }

    @Test
    void aGraftedBlockLosesItsInnerActivationsAndEndsWithOne() {
        GraftSpace space = (GraftSpace) SearchSpaces.byName("graft:resnet-small");
        Layer.Sequence kept = (Layer.Sequence) space.network(space.parse("111111111"), 32, 10);
        Layer.Sequence grafted = (Layer.Sequence) space.network(space.parse("011111111"), 32, 10);
        assertEquals(activations(kept) - 2, activations(grafted));
        Layer.Sequence first = (Layer.Sequence) grafted.layers().get(3);
        assertEquals(Layer.Activation.RELU, first.layers().get(1));

        GraftSpace mb = (GraftSpace) SearchSpaces.byName("graft:mbconv-small");
        Layer all = mb.network(mb.original(), 32, 10);
        Layer none = mb.network(mb.parse("0".repeat(22)), 32, 10);
        // 2 inner ReLU6 per MBK3E6 block (21), 1 in the fixed block; one ReLU6 added per block
        assertEquals(activations(all) - 43 + 22, activations(none));
    }

    @Test
    void bitStringsAreCheckedAndIdsAreStable() {
        GraftSpace space = (GraftSpace) SearchSpaces.byName("graft:resnet-small");
        ArchParseException e = assertThrows(ArchParseException.class, () -> space.parse("0101"));
        assertEquals("graft:resnet-small: the base has 9 building blocks, the bit string '0101' has 4 bits",
                e.getMessage());
        assertThrows(ArchParseException.class, () -> space.parse("01012a011"));
        Candidate c = space.parse("010111011");
        assertEquals("010111011", space.format(c));
        assertEquals(3, space.grafted(c));
        assertEquals(space.id(c), ((GraftSpace) SearchSpaces.byName("graft:resnet-small")).id(space.parse("010111011")));
        assertNotEquals(space.id(c), SearchSpaces.byName("graft:mbconv-small").id(
                SearchSpaces.byName("graft:mbconv-small").parse("0101110110000000000000")));
        SplittableRandom rng = new SplittableRandom(1);
        Candidate child = space.mutate(c, 0.1, rng);
        assertNotEquals(c, child);
        assertEquals(9, space.crossover(c, child, rng).length());
        assertThrows(IllegalArgumentException.class, () -> SearchSpaces.byName("graft:vgg16"));
    }

    private static int activations(Layer layer) {
        if (layer instanceof Layer.Activation) {
            return 1;
        } else if (layer instanceof Layer.Sequence s) {
            return s.layers().stream().mapToInt(GraftSpaceTest::activations).sum();
        } else if (layer instanceof Layer.Residual r) {
            return activations(r.body()) + activations(r.shortcut());
        }
        return 0;
    }
}
