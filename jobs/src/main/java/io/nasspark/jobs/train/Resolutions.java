package io.nasspark.jobs.train;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The input sizes a trained network is judged at besides its own, and whether it trains across
 * a range of them (arbitrary-resolution elastic training, Double-Win NAS).
 *
 * @param min smallest size of the elastic range (0 without one)
 * @param max largest, whose outputs teach the others
 * @param elastic whether the network trains across {@code min..max}
 * @param judged sizes to judge at besides the candidate's own, BatchNorm recalibrated at each
 */
record Resolutions(int min, int max, boolean elastic, List<Integer> judged) implements Serializable {

    /** Trained and judged at the candidate's own size only. */
    static final Resolutions NONE = new Resolutions(0, 0, false, List.of());

    /** BatchNorm recalibration passes at a size before judging there (DJL's momentum 0.9: 0.1 % of the old left). */
    static final int RECALIBRATION_BATCHES = 64;

    Resolutions {
        judged = List.copyOf(judged);
    }

    private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d+)");

    /**
     * From {@code --elastic} ({@code MIN-MAX}, or null for none) and {@code --judge-sizes}.
     *
     * @throws IllegalArgumentException naming the option that is wrong
     */
    static Resolutions of(String elastic, List<Integer> judged) {
        if (elastic == null) {
            return judged.isEmpty() ? NONE : judgedAt(judged);
        }
        Matcher m = RANGE.matcher(elastic);
        if (!m.matches()) {
            throw new IllegalArgumentException("--elastic must be MIN-MAX in px, such as 12-24, got " + elastic);
        }
        return elastic(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), judged);
    }

    /**
     * Elastic training over {@code min..max}, judged at {@code judged}, or when empty at four
     * evenly spread sizes from min to max.
     */
    private static Resolutions elastic(int min, int max, List<Integer> judged) {
        if (min < 8 || max <= min) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "--elastic MIN-MAX needs 8 ≤ MIN < MAX, got %d-%d", min, max));
        }
        List<Integer> sizes = judged.isEmpty()
                ? IntStream.range(0, 4).map(i -> min + Math.round((max - min) * i / 3f)).distinct().boxed().toList()
                : judged;
        for (int r : sizes) {
            if (r < min || r > max) {
                throw new IllegalArgumentException("--judge-sizes " + r + " is outside the elastic range " + min + "-"
                        + max);
            }
        }
        return new Resolutions(min, max, true, sizes);
    }

    /** Trained at the candidate's own size, also judged at {@code judged}. */
    private static Resolutions judgedAt(List<Integer> judged) {
        for (int r : judged) {
            if (r < 8) {
                throw new IllegalArgumentException("--judge-sizes must be at least 8 px, got " + r);
            }
        }
        return new Resolutions(0, 0, false, judged);
    }

    /** The training sizes, ascending: the elastic range, or just {@code own}. */
    List<Integer> trainingSizes(int own) {
        return elastic ? IntStream.rangeClosed(min, max).boxed().toList() : List.of(own);
    }

    /** What the recipe label gains: the elastic range. */
    String label() {
        return elastic ? "-elastic" + min + "-" + max : "";
    }

    /**
     * What a judged row's recipe adds: nothing for an elastic network (every size is its own),
     * the size a single-resolution network trained at otherwise.
     */
    String judgedLabel(int own) {
        return elastic ? "" : "-trained" + own + "px";
    }
}
