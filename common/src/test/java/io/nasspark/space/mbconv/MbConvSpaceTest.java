package io.nasspark.space.mbconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.space.ArchParseException;
import io.nasspark.space.Candidate;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MbConvSpaceTest {

    private static final String ALL_K3E6 = String.join("-", java.util.Collections.nCopies(21, "MBK3E6"));

    @Test
    void sizeIsSevenToTheTwentyFirstWithoutScales() {
        assertEquals(BigInteger.valueOf(7).pow(21), MbConvSpace.imagenet(false).size());
        assertEquals(BigInteger.valueOf(7).pow(42), MbConvSpace.small(true).size());
    }

    @Test
    void readableStringsRoundTrip() {
        for (MbConvSpace space : new MbConvSpace[] {MbConvSpace.imagenet(false), MbConvSpace.small(true)}) {
            SplittableRandom rng = new SplittableRandom(3);
            for (int k = 0; k < 500; k++) {
                Candidate c = space.sample(rng);
                String arch = space.format(c);
                assertEquals(c, space.parse(arch), arch);
                assertEquals(space.id(c), space.id(space.parse(arch)));
            }
        }
    }

    @Test
    void unitScalesAndSkipScalesDoNotChangeTheNetworkOrItsId() {
        MbConvSpace scaled = MbConvSpace.small(true);
        MbConvSpace plain = MbConvSpace.small(false);
        Candidate withoutScales = plain.parse(ALL_K3E6);
        Candidate withUnitScales = scaled.parse(ALL_K3E6.replace("MBK3E6", "MBK3E6x1.00"));
        assertEquals(plain.id(withoutScales), scaled.id(withUnitScales));

        Candidate wide = scaled.parse(ALL_K3E6.replaceFirst("MBK3E6", "MBK3E6x1.50"));
        assertNotEquals(plain.id(withoutScales), scaled.id(wide));
        assertTrue(scaled.format(wide).startsWith("MBK3E6x1.50-MBK3E6x1.00-"), scaled.format(wide));
    }

    @Test
    void skipsInsideAStageAreInterchangeableButOnlyThere() {
        MbConvSpace space = MbConvSpace.imagenet(false);
        // Layers 2..4 of the first stage keep their shape: K5 then Skip equals Skip then K5.
        Candidate a = space.parse("MBK3E3-MBK5E6-Skip-" + tail(3));
        Candidate b = space.parse("MBK3E3-Skip-MBK5E6-" + tail(3));
        assertNotEquals(space.id(a), space.id(b));
        assertEquals(space.canonicalId(a), space.canonicalId(b));
        // Layer 1 changes shape, so moving the skip there is another network.
        Candidate c = space.parse("Skip-MBK3E3-MBK5E6-" + tail(3));
        assertNotEquals(space.canonicalId(a), space.canonicalId(c));
    }

    private static String tail(int from) {
        return String.join("-", java.util.Collections.nCopies(21 - from, "MBK7E3"));
    }

    @Test
    void badTokensAreNamed() {
        MbConvSpace space = MbConvSpace.imagenet(false);
        ArchParseException kernel = assertThrows(ArchParseException.class,
                () -> space.parse("MBK4E6-" + tail(1)));
        assertTrue(kernel.getMessage().contains("'MBK4E6' (layer 1)"), kernel.getMessage());
        ArchParseException scale = assertThrows(ArchParseException.class,
                () -> space.parse("MBK3E6x1.10-" + tail(1)));
        assertTrue(scale.getMessage().contains("1.10"), scale.getMessage());
        assertThrows(ArchParseException.class, () -> space.parse("MBK3E6"));
        assertThrows(ArchParseException.class, () -> space.parse("Conv-" + tail(1)));
    }

    @Test
    void mutationLeavesFixedScalesAloneInAPlainSpace() {
        MbConvSpace plain = MbConvSpace.imagenet(false);
        SplittableRandom rng = new SplittableRandom(11);
        Candidate c = plain.sample(rng);
        for (int k = 0; k < 100; k++) {
            Candidate m = plain.mutate(c, 0.3, rng);
            assertNotEquals(plain.encoding(c), plain.encoding(m));
            for (int l = 0; l < 21; l++) {
                assertEquals(1.0, plain.scale(m, l));
            }
            c = m;
        }
        assertEquals(21 * 7, plain.oneHot(c).length);
        assertEquals(42 * 7, MbConvSpace.imagenet(true).oneHot(c).length);
    }

    @Test
    void lightNetsPlusPlusSearchesOnlyTheChannelScalesOfAFoundNetwork() {
        MbConvSpace scaled = MbConvSpace.mini(true);
        Candidate found = scaled.parse("MBK5E6-Skip-MBK3E3-MBK7E6-MBK3E6-Skip-MBK5E3-MBK3E3");
        MbConvSpace channels = scaled.channelsOf(found);
        SplittableRandom rng = new SplittableRandom(3);
        java.util.Set<String> scalings = new java.util.HashSet<>();
        Candidate previous = channels.sample(rng);
        for (int i = 0; i < 200; i++) {
            Candidate c = i % 3 == 0 ? channels.sample(rng)
                    : i % 3 == 1 ? channels.mutate(previous, 0.3, rng) : channels.crossover(previous, channels.sample(rng), rng);
            for (int l = 0; l < channels.layers(); l++) {
                assertEquals(scaled.op(found, l), channels.op(c, l), "operators stay as found");
                if (scaled.op(found, l) == MbConvOp.SKIP) {
                    assertEquals(1.0, channels.scale(c, l), 0, "a skip has no width");
                }
            }
            // an ordinary candidate of the space with scales: same id, encoding and one-hot width
            assertEquals(scaled.id(scaled.parse(channels.format(c))), channels.id(c));
            assertEquals(scaled.oneHot(c).length, channels.oneHot(c).length);
            scalings.add(channels.format(c));
            previous = c;
        }
        assertTrue(scalings.size() > 100, "the scales vary: " + scalings.size());
    }
}
