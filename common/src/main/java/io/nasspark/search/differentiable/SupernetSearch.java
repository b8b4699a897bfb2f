package io.nasspark.search.differentiable;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.nasspark.model.Scalars;
import io.nasspark.predict.DifferentiablePredictor;
import io.nasspark.space.Candidate;
import io.nasspark.train.ImageBatches;
import io.nasspark.util.Seeds;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One differentiable search on a {@link MbConvSupernet}: LightNAS (§4.3.3–4.3.4), its fixed-λ
 * baseline (Eq. 4.3), or SurgeNAS (§3.3).
 *
 * <ul>
 *   <li><b>LightNAS</b>: each step, w takes an SGD step on a training batch through one Gumbel
 *       path, then α takes a step on a validation batch through another, minimising
 *       {@code L_val + λ·(LAT(ᾱ)/T − 1)} with ᾱ that binarized path (straight-through) fed to
 *       the latency predictor; λ starts at 0 and follows gradient ascent (Eq. 4.11) on the
 *       latency of the architecture α derives (plus an optional proportional part,
 *       {@link LatencyTradeOff}).
 *   <li><b>fixed-λ</b>: the same with λ held at its start.
 *   <li><b>sandwich</b> (Double-Win NAS): LightNAS whose w step trains several single paths on
 *       the training batch, the largest network (MBK7E6 everywhere), the smallest (skip
 *       everywhere) and {@link #SANDWICH_RANDOM_PATHS} drawn from α, their gradients summed before
 *       one update, so operators α disfavours keep learning and the search does not collapse
 *       onto the ones that got ahead early. The latency term is whatever the predictor predicts:
 *       for a hybrid space, the transformed (shallow) network's latency.
 *   <li><b>SurgeNAS</b>: one-level: each step draws |O| ordered paths without replacement
 *       (Algorithm 1) on the same training batch, each with the identity mapping φ·x (Eq. 3.10,
 *       φ from 2 to 0), each path's activations freed after its backward, accumulates the
 *       gradients of {@code L + β·LAT(path)/T} for w and α over the paths, and updates both once. The thesis leaves the latency term's form open for
 *       SurgeNAS ("loss + β·LAT"); dividing by T makes β unit-free like LightNAS's λ.
 * </ul>
 *
 * A search ends with α's argmax, or with {@link Settings#deriveTolerance} the most probable
 * network within that fraction of T ({@link WithinTargetDerivation}).
 *
 * <p>Plain SGD for w, SGD or Adam for α (Adam's moments in the checkpoint), Gumbel noise from a
 * generator per step and a fixed batch order, so a search resumed from an epoch's checkpoint continues
 * exactly as the uninterrupted one. In the first {@link Settings#warmupEpochs} only w learns.
 */
public final class SupernetSearch {

    /** The searches. */
    public enum Method { LIGHTNAS, FIXED_LAMBDA, SURGENAS, SANDWICH }

    /** Paths drawn from α besides the largest and the smallest in a sandwich step (BigNAS's two). */
    public static final int SANDWICH_RANDOM_PATHS = 2;

    /** How α learns: plain SGD, or Adam as in the thesis ({@link AlphaAdam}). */
    public enum AlphaOptimizer { SGD, ADAM }

    /**
     * How to search.
     *
     * @param epochs passes over the training images
     * @param warmupEpochs the first epochs, in which only w learns and α and λ stay put (the
     *     thesis' architecture search warm-up: 10 of 90 epochs for LightNAS, 25 of 75 for SurgeNAS)
     * @param batch images per step
     * @param weightLearningRate SGD step of w
     * @param alphaOptimizer how α learns
     * @param alphaLearningRate α's step (the thesis, with Adam: 1e-3 for LightNAS, 7.5e-4 for
     *     SurgeNAS, over far more steps than a search here takes)
     * @param lambdaLearningRate η_λ of LightNAS (5e-4 in the thesis)
     * @param lambdaGain the proportional part of LightNAS's λ ({@link LatencyTradeOff}; 0: the thesis)
     * @param lambda λ's start (LightNAS: 0; fixed-λ: the λ; SurgeNAS: β)
     * @param identityWeight SurgeNAS's φ at the start (the thesis: 2; 0 for the ablation without
     *     the identity mapping)
     * @param temperatureStart Gumbel temperature at the start (LightNAS: 5)
     * @param temperatureEnd at the end
     * @param deriveTolerance 0: the derived network is α's argmax (the thesis); above 0, the most
     *     probable network under softmax(α) whose predicted latency is within this fraction of T
     *     ({@link WithinTargetDerivation})
     * @param threads the engine's intra-op threads (a Spark task's cpus); at 1 a resumed search
     *     is bit for bit the uninterrupted one, with more oneDNN's reductions may differ in the
     *     last bits
     */
    public record Settings(int epochs, int warmupEpochs, int batch, double weightLearningRate,
            AlphaOptimizer alphaOptimizer, double alphaLearningRate, double lambdaLearningRate, double lambdaGain,
            double lambda, double identityWeight, double temperatureStart, double temperatureEnd,
            double deriveTolerance, int threads) {
        public Settings {
            if (!(deriveTolerance >= 0 && deriveTolerance < 1)) {
                throw new IllegalArgumentException("the derivation's tolerance must be at least 0 and below 1, got "
                        + deriveTolerance);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
            }
            if (warmupEpochs < 0 || warmupEpochs >= epochs) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "--warmup-epochs must be at least 0 and below --epochs (%d), got %d", epochs, warmupEpochs));
            }
            if (batch < 1) {
                throw new IllegalArgumentException("the batch must be at least 1, got " + batch);
            }
        }
    }

    /**
     * One step of the trace.
     *
     * @param predictedMs LAT(ᾱ) after the step
     * @param alphaEntropy mean over layers of the entropy of softmax(α), nats
     * @param arch the architecture ᾱ derives, in the space's format
     */
    public record TraceRow(int epoch, int step, double lambda, double temperature, double predictedMs,
            double trainLoss, double validationLoss, double alphaEntropy, String arch) {}

    /** What a search ends with. */
    public record Result(Candidate derived, double predictedMs, double lambda, List<TraceRow> trace) {}

    private final MbConvSupernet supernet;
    private final DifferentiablePredictor latency;
    private final Method method;
    private final double targetMs;
    private final Settings settings;
    private final long seed;
    private Consumer<TraceRow> afterEpoch = row -> {};

    /**
     * @param supernet initialised for the images' shape
     * @param latency the predictor LAT, over the space's one-hot encoding
     * @param targetMs T
     */
    public SupernetSearch(MbConvSupernet supernet, DifferentiablePredictor latency, Method method, double targetMs,
            Settings settings, long seed) {
        this.supernet = supernet;
        this.latency = latency;
        this.method = method;
        this.targetMs = targetMs;
        this.settings = settings;
        this.seed = seed;
    }

    /** Calls {@code listener} with the last trace row of every epoch run (progress for people). */
    public SupernetSearch afterEachEpoch(Consumer<TraceRow> listener) {
        this.afterEpoch = listener;
        return this;
    }

    /**
     * Runs the search, from the last epoch checkpointed in {@code checkpoints} if there is one
     * (null: none kept), through {@code stopAfterEpoch} epochs (or all of them when larger).
     *
     * @param train the images w trains on (and α too, for SurgeNAS)
     * @param validation the held-apart images α trains on
     */
    public Result run(ImageBatches train, ImageBatches validation, Path checkpoints, int stopAfterEpoch) {
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(settings.threads());
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray alpha = manager.zeros(new Shape(supernet.layers(), supernet.operators()));
            alpha.setRequiresGradient(true);
            AlphaAdam adam = new AlphaAdam(manager, alpha);
            boolean learned = method == Method.LIGHTNAS || method == Method.SANDWICH;
            LatencyTradeOff lambda = new LatencyTradeOff(settings.lambda(), 0,
                    learned ? settings.lambdaLearningRate() : 0, learned ? settings.lambdaGain() : 0, targetMs);
            List<TraceRow> trace = new ArrayList<>();
            int firstEpoch = 1;
            if (checkpoints != null && Files.exists(checkpoints.resolve(STATE))) {
                JniUtils.setGradMode(false);
                Checkpoint resumed = Checkpoint.load(checkpoints, supernet, alpha, adam, manager);
                firstEpoch = resumed.epoch() + 1;
                lambda = new LatencyTradeOff(resumed.lambdaSum(), resumed.excess(), lambda.learningRate(),
                        lambda.gain(), targetMs);
                trace.addAll(resumed.trace());
            }
            int steps = train.size() / settings.batch();
            int total = settings.epochs() * steps;
            int[] order = new int[train.size()];
            Arrays.setAll(order, i -> i);
            int[] validationOrder = new int[validation.size()];
            Arrays.setAll(validationOrder, i -> i);
            ParameterStore store = new ParameterStore(manager, false);
            int lastEpoch = Math.min(settings.epochs(), stopAfterEpoch);
            for (int epoch = firstEpoch; epoch <= lastEpoch; epoch++) {
                for (int s = 0; s < steps; s++) {
                    int global = (epoch - 1) * steps + s;
                    double progress = global / (double) total;
                    double tau = SearchSchedules.temperature(settings.temperatureStart(), settings.temperatureEnd(),
                            progress);
                    SplittableRandom rng = Seeds.forItem(seed, global);
                    boolean warmup = epoch <= settings.warmupEpochs();
                    // the scope closes what the step made on long-lived managers too: arrays derived
                    // from α, the gradients' wrappers and the SGD deltas of the weights (about one
                    // supernet's size a step, 23 GB by epoch 14 before it was there)
                    try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                        NDArray x = train.images(step, order, s * settings.batch(), (s + 1) * settings.batch());
                        NDArray y = train.oneHot(step, order, s * settings.batch(), (s + 1) * settings.batch());
                        double trainLoss;
                        double validationLoss;
                        JniUtils.setGradMode(true);
                        if (method == Method.SURGENAS) {
                            trainLoss = oneLevelStep(store, alpha, warmup ? null : adam, x, y, tau, progress,
                                    lambda.lambda(), rng);
                            validationLoss = Double.NaN;
                        } else if (warmup) {
                            trainLoss = weightStep(store, alpha, step, x, y, tau, rng);
                            validationLoss = Double.NaN;
                        } else {
                            trainLoss = weightStep(store, alpha, step, x, y, tau, rng);
                            int v = s % Math.max(1, validation.size() / settings.batch());
                            NDArray vx = validation.images(step, validationOrder, v * settings.batch(),
                                    (v + 1) * settings.batch());
                            NDArray vy = validation.oneHot(step, validationOrder, v * settings.batch(),
                                    (v + 1) * settings.batch());
                            validationLoss = alphaStep(store, alpha, adam, vx, vy, tau, lambda.lambda(), rng);
                        }
                        JniUtils.setGradMode(false);
                        double predicted = predictedMs(alpha);
                        if (!warmup) {
                            lambda = lambda.after(predicted);
                        }
                        trace.add(new TraceRow(epoch, global, lambda.lambda(), tau, predicted, trainLoss,
                                validationLoss, entropy(alpha), supernet.space().format(supernet.candidate(alpha))));
                    }
                }
                if (checkpoints != null) {
                    new Checkpoint(epoch, lambda.integral(), lambda.excess(), trace).save(checkpoints, supernet, alpha,
                            adam);
                }
                afterEpoch.accept(trace.get(trace.size() - 1));
            }
            NDArray derived = derive(alpha);
            return new Result(supernet.candidate(derived), latencyOf(derived), lambda.lambda(), trace);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * The w step: one path drawn from α (the sandwich: the largest, the smallest and paths drawn
     * from α), without letting the training loss reach α. Returns the mean loss of the paths.
     */
    private double weightStep(ParameterStore store, NDArray alpha, NDManager step, NDArray x, NDArray y, double tau,
            SplittableRandom rng) {
        if (method == Method.SANDWICH) {
            List<NDArray> paths = new ArrayList<>(List.of(supernet.largestPath(step), supernet.smallestPath(step)));
            for (int i = 0; i < SANDWICH_RANDOM_PATHS; i++) {
                paths.add(GumbelPaths.singlePath(alpha.stopGradient(), tau, rng));
            }
            double sum = 0;
            for (NDArray path : paths) {
                sum += pathStep(store, x, y, path, 0, 0, paths.size(), false);
            }
            updateWeights(settings.weightLearningRate());
            return sum / paths.size();
        }
        NDArray path = GumbelPaths.singlePath(alpha.stopGradient(), tau, rng);
        NDArray loss = crossEntropy(supernet.forward(store, x, path, 0, true), y);
        backward(loss);
        updateWeights(settings.weightLearningRate());
        return loss.getFloat();
    }

    /** LightNAS's α step on validation images, with the latency term; w's gradients are dropped. */
    private double alphaStep(ParameterStore store, NDArray alpha, AlphaAdam adam, NDArray x, NDArray y, double tau,
            double lambda, SplittableRandom rng) {
        NDArray path = GumbelPaths.singlePath(alpha, tau, rng);
        NDArray loss = crossEntropy(supernet.forwardEveryEntry(store, x, path, 0, true), y);
        // the latency term of the same binarized Gumbel path (Eq. 4.9): its gradient sharpens with
        // the temperature like the loss's; λ follows the architecture α derives (see run)
        NDArray objective = loss.add(Scalars.times(latencyTerm(path), lambda));
        backward(objective);
        stepAlpha(alpha, adam);
        updateWeights(0); // the validation loss's gradients of w are dropped
        return loss.getFloat();
    }

    /**
     * SurgeNAS: |O| ordered paths on one batch, gradients summed, then w and α step together (w
     * alone in the warm-up, {@code adam} null).
     */
    private double oneLevelStep(ParameterStore store, NDArray alpha, AlphaAdam adam, NDArray x, NDArray y, double tau,
            double progress, double beta, SplittableRandom rng) {
        double phi = SearchSchedules.identityWeight(settings.identityWeight(), progress);
        double sum = 0;
        List<NDArray> paths = GumbelPaths.orderedPaths(alpha, tau, rng);
        for (NDArray path : paths) {
            sum += pathStep(store, x, y, path, phi, beta, paths.size(), adam != null);
        }
        updateWeights(settings.weightLearningRate());
        if (adam != null) {
            stepAlpha(alpha, adam);
        } else {
            step(alpha, 0);
        }
        return sum / paths.size();
    }

    /**
     * One of SurgeNAS's ordered paths: forward, backward of its share of the loss, and its
     * activations freed before the next path runs, so a step's memory is one path's and not |O|
     * of them (Table 4.1's point; Java handles would otherwise keep every path's activations alive
     * until the step ends). Returns the path's loss.
     *
     * @param alphaLearns whether α takes this gradient: then every entry of the path gets its
     *     gradient ({@link MbConvSupernet#forwardEveryEntry}), not only the picked operators'
     */
    double pathStep(ParameterStore store, NDArray x, NDArray y, NDArray path, double phi, double beta, int paths,
            boolean alphaLearns) {
        try (NDScope scope = new NDScope()) {
            NDArray out = alphaLearns ? supernet.forwardEveryEntry(store, x, path, phi, true)
                    : supernet.forward(store, x, path, phi, true);
            NDArray loss = crossEntropy(out, y);
            NDArray objective = beta == 0 ? loss : loss.add(Scalars.times(latencyTerm(path).add(1), beta));
            backward(Scalars.dividedBy(objective, paths));
            return loss.getFloat();
        }
    }

    /** {@code LAT(encoding)/T − 1}, differentiable in the encoding. */
    private NDArray latencyTerm(NDArray encoding) {
        return Scalars.dividedBy(latency.predict(encoding.reshape(1, -1)), targetMs).sub(1).sum();
    }

    /**
     * The one-hot encoding of the network the search ends with: α's argmax, or with a tolerance
     * the most probable network within it of T.
     */
    private NDArray derive(NDArray alpha) {
        if (settings.deriveTolerance() == 0) {
            return GumbelPaths.oneHot(alpha);
        }
        float[] flat = alpha.logSoftmax(-1).toFloatArray();
        double[][] logP = new double[supernet.layers()][supernet.operators()];
        for (int l = 0; l < logP.length; l++) {
            for (int o = 0; o < logP[l].length; o++) {
                logP[l][o] = flat[l * supernet.operators() + o];
            }
        }
        NDManager manager = alpha.getManager();
        int[] picks = new WithinTargetDerivation(logP, ops -> latencyOf(supernet.path(manager, ops)), targetMs,
                settings.deriveTolerance()).derive().operators();
        return supernet.path(manager, picks);
    }

    /** LAT(ᾱ): the predicted latency of the network α derives now. */
    public double predictedMs(NDArray alpha) {
        return latencyOf(GumbelPaths.oneHot(alpha));
    }

    /** The predicted latency of a one-hot encoding, outside the graph. */
    private double latencyOf(NDArray oneHot) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return latency.predict(oneHot.reshape(1, -1)).getFloat(0);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    static NDArray crossEntropy(NDArray logits, NDArray oneHotLabels) {
        return Scalars.dividedBy(logits.logSoftmax(1).mul(oneHotLabels).sum(), -logits.getShape().get(0));
    }

    static void backward(NDArray loss) {
        PtNDArray l = (PtNDArray) loss;
        JniUtils.backward(l, (PtNDArray) l.onesLike(), false, false);
    }

    /** Every weight of the supernet takes an SGD step (none at rate 0), and its gradient is zeroed. */
    private void updateWeights(double learningRate) {
        for (Pair<String, Parameter> p : supernet.getParameters()) {
            if (p.getValue().requiresGradient()) {
                step(p.getValue().getArray(), learningRate);
            }
        }
    }

    private void stepAlpha(NDArray alpha, AlphaAdam adam) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            if (settings.alphaOptimizer() == AlphaOptimizer.ADAM) {
                adam.step(alpha, settings.alphaLearningRate());
            } else {
                step(alpha, settings.alphaLearningRate());
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** {@code a ← a − rate·∇a}, then the gradient zeroed, outside the graph. */
    private static void step(NDArray a, double rate) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            NDArray g = a.getGradient();
            if (rate != 0) {
                a.subi(g.mul(rate));
            }
            g.subi(g);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private static double entropy(NDArray alpha) {
        float[] p = alpha.softmax(-1).toFloatArray();
        int k = Math.toIntExact(alpha.getShape().get(1));
        double h = 0;
        for (float v : p) {
            h -= v > 0 ? v * Math.log(v) : 0;
        }
        return h / (p.length / k);
    }

    private static final String STATE = "state.properties";

    /** The last epoch checkpointed in {@code dir}, 0 when there is none (or it cannot be read). */
    public static int lastCheckpointedEpoch(Path dir) {
        Path state = dir.resolve(STATE);
        if (!Files.exists(state)) {
            return 0;
        }
        try (var in = Files.newInputStream(state)) {
            Properties p = new Properties();
            p.load(in);
            return Integer.parseInt(p.getProperty("epoch", "0"));
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The search after an epoch: supernet weights, α, λ and the trace so far, written atomically. */
    private record Checkpoint(int epoch, double lambdaSum, double excess, List<TraceRow> trace) {

        void save(Path dir, MbConvSupernet supernet, NDArray alpha, AlphaAdam adam) {
            try {
                Files.createDirectories(dir);
                Path weights = dir.resolve("supernet.params.tmp");
                try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(weights))) {
                    supernet.saveParameters(out);
                }
                Path alphaFile = dir.resolve("alpha.bin.tmp");
                try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(alphaFile))) {
                    AlphaAdam.writeFloats(out, alpha);
                    adam.save(out);
                }
                Path traceFile = dir.resolve("trace.tsv.tmp");
                Files.write(traceFile, trace.stream().map(Checkpoint::line).toList());
                Properties p = new Properties();
                p.setProperty("epoch", Integer.toString(epoch));
                p.setProperty("lambda_sum", Double.toString(lambdaSum));
                p.setProperty("excess", Double.toString(excess));
                Path state = dir.resolve(STATE + ".tmp");
                try (var out = Files.newOutputStream(state)) {
                    p.store(out, "supernet search checkpoint");
                }
                Files.move(weights, dir.resolve("supernet.params"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                Files.move(alphaFile, dir.resolve("alpha.bin"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                Files.move(traceFile, dir.resolve("trace.tsv"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                // the state file last: a checkpoint counts only once all of it is in place
                Files.move(state, dir.resolve(STATE), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the checkpoint in " + dir, e);
            }
        }

        /** A trace row as one tab-separated line; doubles in Java's round-trip form. */
        static String line(TraceRow r) {
            return String.join("\t", Integer.toString(r.epoch()), Integer.toString(r.step()),
                    Double.toString(r.lambda()), Double.toString(r.temperature()), Double.toString(r.predictedMs()),
                    Double.toString(r.trainLoss()), Double.toString(r.validationLoss()),
                    Double.toString(r.alphaEntropy()), r.arch());
        }

        static TraceRow parse(String line) {
            String[] f = line.split("\t", -1);
            return new TraceRow(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]), Double.parseDouble(f[7]), f[8]);
        }

        static Checkpoint load(Path dir, MbConvSupernet supernet, NDArray alpha, AlphaAdam adam, NDManager manager) {
            try {
                Properties p = new Properties();
                try (var in = Files.newInputStream(dir.resolve(STATE))) {
                    p.load(in);
                }
                try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("supernet.params")))) {
                    supernet.loadParameters(manager, in);
                }
                try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("alpha.bin")))) {
                    AlphaAdam.readFloats(in, alpha);
                    adam.load(in);
                }
                // loaded arrays are new: they learn again
                for (Pair<String, Parameter> p2 : supernet.getParameters()) {
                    if (p2.getValue().requiresGradient()) {
                        p2.getValue().getArray().setRequiresGradient(true);
                    }
                }
                List<TraceRow> trace = Files.readAllLines(dir.resolve("trace.tsv")).stream()
                        .map(Checkpoint::parse).toList();
                return new Checkpoint(Integer.parseInt(p.getProperty("epoch")),
                        Double.parseDouble(p.getProperty("lambda_sum")), Double.parseDouble(p.getProperty("excess")),
                        trace);
            } catch (IOException | ai.djl.MalformedModelException e) {
                throw new IllegalStateException(String.format(Locale.ROOT, "cannot resume from the checkpoint in %s: %s",
                        dir, e.getMessage()), e);
            }
        }
    }
}
