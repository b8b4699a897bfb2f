package io.nasspark.predict.meta;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The four ways of Fig. 5.6 to get an accuracy predictor for a target task from K pairs of it:
 * adapt the meta-learned parameters ({@code maml}); fit on the K pairs alone
 * ({@code target-only}); fit on the source pairs and use that as is ({@code source-only}); fit
 * on the source pairs and fine-tune on the K pairs ({@code fine-tune}).
 *
 * <p>All four predict on the scale the K pairs set (see {@link Scale}): a model that never saw
 * the target cannot know its accuracy level, and without this its RMSE would measure the gap
 * between the tasks' levels rather than the model. Rank correlations do not depend on it.
 * {@code maml} and {@code fine-tune} adapt the same way (the same steps and step size), so they
 * differ only in where they start.
 */
public final class FewShot {

    /** Method names, as written to the {@code predictors} table. */
    public static final List<String> METHODS = List.of("maml", "target-only", "source-only", "fine-tune");

    /**
     * @param adaptSteps gradient steps on the shots for maml and fine-tune
     * @param adaptLr their step size
     * @param fitSteps Adam steps of the fits from scratch (target-only, and the source fit)
     * @param fitLr Adam's step size there
     * @param fitBatch pairs per step of the source fit
     */
    public record Settings(int adaptSteps, double adaptLr, int fitSteps, double fitLr, int fitBatch) {
        public String describe() {
            return "adapt_steps=" + adaptSteps + ",adapt_lr=" + adaptLr + ",fit_steps=" + fitSteps + ",fit_lr=" + fitLr
                    + ",fit_batch=" + fitBatch;
        }
    }

    private final FlatMlp net;
    private final Settings settings;
    private final boolean logTarget;

    public FewShot(FlatMlp net, Settings settings) {
        this(net, settings, false);
    }

    /** @param logTarget standardise the logarithm of the values (latency) */
    public FewShot(FlatMlp net, Settings settings, boolean logTarget) {
        this.net = net;
        this.settings = settings;
        this.logTarget = logTarget;
    }

    /** The meta-learned parameters adapted to the shots. */
    public MetaMlpPredictor maml(double[] meta, Pairs shots) {
        return adapted(meta, shots, "maml");
    }

    /** The source fit adapted to the shots as maml is. */
    public MetaMlpPredictor fineTune(double[] source, Pairs shots) {
        return adapted(source, shots, "fine-tune");
    }

    /** The source fit as it is, on the shots' scale. */
    public MetaMlpPredictor sourceOnly(double[] source, Pairs shots) {
        return new MetaMlpPredictor(net, source.clone(), Scale.of(shots.y(), logTarget), "source-only", settings.describe());
    }

    /** A network fit on the shots alone, from seeded initial weights. */
    public MetaMlpPredictor targetOnly(Pairs shots, long seed) {
        Scale scale = Scale.of(shots.y(), logTarget);
        double[] theta = fit(List.of(new Pairs(shots.task(), shots.x(), scale.forward(shots.y()))), seed);
        return new MetaMlpPredictor(net, theta, scale, "target-only", settings.describe());
    }

    /** Parameters fit on every source task's pairs, each task standardised by its own scale. */
    public double[] sourceFit(List<Pairs> sources, long seed) {
        List<Pairs> standardised = new ArrayList<>();
        for (Pairs p : sources) {
            standardised.add(new Pairs(p.task(), p.x(), Scale.of(p.y(), logTarget).forward(p.y())));
        }
        return fit(standardised, seed);
    }

    private MetaMlpPredictor adapted(double[] start, Pairs shots, String method) {
        Scale scale = Scale.of(shots.y(), logTarget);
        double[] theta = Maml.adapt(net, start, new Pairs(shots.task(), shots.x(), scale.forward(shots.y())),
                settings.adaptSteps(), settings.adaptLr());
        return new MetaMlpPredictor(net, theta, scale, method, settings.describe());
    }

    /** Adam on mini-batches drawn with {@code seed} from the pooled pairs. */
    private double[] fit(List<Pairs> tasks, long seed) {
        int total = tasks.stream().mapToInt(Pairs::size).sum();
        double[][] x = new double[total][];
        double[] y = new double[total];
        int n = 0;
        for (Pairs p : tasks) {
            for (int i = 0; i < p.size(); i++) {
                x[n] = p.x()[i];
                y[n++] = p.y()[i];
            }
        }
        Pairs pooled = new Pairs("pooled", x, y);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] theta = net.init(rng.nextLong());
        Adam adam = new Adam(net.size(), settings.fitLr());
        double[] grad = new double[net.size()];
        int batch = Math.min(settings.fitBatch(), total);
        int[] order = Pairs.permutation(total, rng);
        int next = 0;
        for (int step = 0; step < settings.fitSteps(); step++) {
            if (next + batch > total) {
                order = Pairs.permutation(total, rng);
                next = 0;
            }
            int[] rows = java.util.Arrays.copyOfRange(order, next, next + batch);
            next += batch;
            Pairs b = pooled.subset(rows);
            net.gradient(theta, b.x(), b.y(), grad);
            adam.step(theta, grad);
        }
        return theta;
    }
}
