package io.nasspark.search.differentiable;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.nasspark.util.ProcessMemory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The thesis' memory comparison (Table 4.1): the peak native memory of one training step of a
 * supernet by SurgeNAS's ordered single paths (|O| paths one after another, each freed after its
 * backward) against a multi-path supernet that runs all |O| operators of every layer at once
 * (DARTS). Memory libtorch frees stays with the process, so only the first step in a process
 * tells its peak: measure each kind in a fresh one.
 */
public final class SupernetStepMemory {

    /**
     * The process's peak resident bytes during the step, those above its resident bytes at the
     * step's start, and the step's seconds.
     */
    public record Step(long peakBytes, long bytesAboveStart, double seconds) {}

    private final MbConvSupernet supernet;
    private final SupernetSearch search;

    /** @param supernet initialised for the batches' shape */
    public SupernetStepMemory(MbConvSupernet supernet) {
        this.supernet = supernet;
        // no latency term (β = 0): the memory of the loss and its gradients is what is compared
        this.search = new SupernetSearch(supernet, null, SupernetSearch.Method.SURGENAS, 1,
                new SupernetSearch.Settings(1, 0, 1, 0, SupernetSearch.AlphaOptimizer.SGD, 0, 0, 0, 0, 0, 1, 1, 0, 1), 0);
    }

    /** One step through {@link MbConvSupernet#operators()} ordered single paths. */
    public Step orderedSinglePaths(NDArray x, NDArray y, long seed) {
        return measure(() -> {
            NDArray alpha = alpha(x.getManager());
            List<NDArray> paths = GumbelPaths.orderedPaths(alpha, 1, new SplittableRandom(seed));
            ParameterStore store = new ParameterStore(x.getManager(), false);
            for (NDArray path : paths) {
                search.pathStep(store, x, y, path, 0, 0, paths.size(), true);
            }
            return alpha;
        });
    }

    /** One step of the multi-path supernet: every operator runs, weighted by softmax(α). */
    public Step allPaths(NDArray x, NDArray y) {
        return measure(() -> {
            NDArray alpha = alpha(x.getManager());
            ParameterStore store = new ParameterStore(x.getManager(), false);
            NDArray loss = SupernetSearch.crossEntropy(supernet.forwardAllPaths(store, x, alpha.softmax(-1), true), y);
            SupernetSearch.backward(loss);
            return alpha;
        });
    }

    private NDArray alpha(NDManager manager) {
        NDArray alpha = manager.zeros(new Shape(supernet.layers(), supernet.operators()));
        alpha.setRequiresGradient(true);
        return alpha;
    }

    /** Runs {@code step} in grad mode inside a scope, with the peak counter reset just before. */
    private static Step measure(Supplier<NDArray> step) {
        Engine.getEngine("PyTorch");
        boolean grad = JniUtils.isGradMode();
        System.gc();
        ProcessMemory.resetPeak();
        long start = ProcessMemory.residentBytes();
        long began = System.nanoTime();
        try (NDScope scope = new NDScope()) {
            JniUtils.setGradMode(true);
            NDArray alpha = step.get();
            alpha.getGradient().sum().getFloat(); // the whole backward has run
        } finally {
            JniUtils.setGradMode(grad);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        long peak = ProcessMemory.peakResidentBytes();
        return new Step(peak, peak - start, seconds);
    }
}
