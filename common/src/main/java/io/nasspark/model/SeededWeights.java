package io.nasspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Initial weights drawn from a seeded Java random source instead of the engine's generator:
 * {@code Engine.setRandomSeed} is global to the JVM, so two candidates initialised at once in
 * one executor would share (and race on) it. Here each network gets its own stream.
 */
public final class SeededWeights {

    private SeededWeights() {}

    /** How weight matrices and kernels are drawn; vectors follow their parameter type. */
    public enum Scheme {
        /** Uniform in ±sqrt(6 / (fan_in + fan_out)) for matrices; other parameters zero. */
        GLOROT_MATRICES,
        /**
         * Uniform in ±sqrt(6 / fan_in) (He et al., for ReLU networks) for every weight of rank
         * 2 or more; BatchNorm gamma and running variance one; biases, betas and running means
         * zero.
         */
        HE,
        /**
         * {@link #HE} weights, and every other parameter drawn as a trained network might have
         * it: BatchNorm gamma in [0.5, 1.5], beta and running mean in ±0.5, running variance in
         * [0.5, 2], biases in ±0.1. For checks that must not pass by way of an identity
         * BatchNorm, such as linear reparameterization's.
         */
        TRAINED_LIKE
    }

    /** Sets every parameter of an initialised {@code block} from {@code rng}, in parameter order. */
    public static void apply(Block block, Scheme scheme, SplittableRandom rng) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] values = new float[Math.toIntExact(a.size())];
            long[] shape = a.getShape().getShape();
            if (scheme == Scheme.GLOROT_MATRICES) {
                if (shape.length == 2) {
                    uniform(values, Math.sqrt(6.0 / (shape[0] + shape[1])), rng);
                }
            } else if (shape.length >= 2 && !isBiasMap(p.getValue())) {
                long fanIn = values.length / shape[0];
                uniform(values, Math.sqrt(6.0 / fanIn), rng);
            } else if (scheme == Scheme.TRAINED_LIKE) {
                trainedLike(values, p.getValue().getType(), rng);
            } else if (isOne(p.getValue().getType())) {
                Arrays.fill(values, 1f);
            }
            a.set(FloatBuffer.wrap(values));
        }
    }

    private static boolean isBiasMap(Parameter p) {
        return p.getType() == Parameter.Type.BIAS;
    }

    private static void trainedLike(float[] values, Parameter.Type type, SplittableRandom rng) {
        for (int i = 0; i < values.length; i++) {
            double u = rng.nextDouble();
            values[i] = (float) switch (type) {
                case GAMMA -> 0.5 + u;
                case BETA, RUNNING_MEAN -> u - 0.5;
                case RUNNING_VAR -> 0.5 + 1.5 * u;
                default -> 0.2 * u - 0.1;
            };
        }
    }

    private static boolean isOne(Parameter.Type type) {
        return type == Parameter.Type.GAMMA || type == Parameter.Type.RUNNING_VAR;
    }

    private static void uniform(float[] values, double bound, SplittableRandom rng) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }
}
