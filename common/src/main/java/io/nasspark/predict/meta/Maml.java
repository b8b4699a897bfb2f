package io.nasspark.predict.meta;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Model-agnostic meta-learning (Finn et al. 2017) of the accuracy MLP, thesis §5.3.3 Eq. 5.4-5.6:
 * an episode draws a support and a query set from one source task, takes {@code innerSteps}
 * gradient steps on the support set (Eq. 5.4), and the outer update (Eq. 5.6, here with Adam)
 * follows the gradient of the query loss after those steps with respect to the starting
 * parameters (Eq. 5.5). Second order by default: the gradient goes back through every inner
 * step, (I - eta H) per step, with the Hessian-vector products of {@link FlatMlp}; first order
 * drops the Hessian terms.
 */
public final class Maml {

    /**
     * @param innerSteps gradient steps on the support set (Eq. 5.4 has one)
     * @param innerLr eta of Eq. 5.4
     * @param outerLr lambda of Eq. 5.6 (Adam's step size)
     * @param outerSteps outer updates
     * @param tasksPerStep episodes averaged per outer update
     * @param support pairs an episode adapts on (the K of adaptation)
     * @param query pairs the adapted network is judged on
     * @param firstOrder drop the second-order terms
     */
    public record Settings(int innerSteps, double innerLr, double outerLr, int outerSteps, int tasksPerStep,
            int support, int query, boolean firstOrder) {

        public static final Settings DEFAULT = new Settings(5, 0.02, 1e-3, 2000, 4, 10, 40, false);

        public Settings {
            if (innerSteps < 1 || outerSteps < 1 || tasksPerStep < 1 || support < 2 || query < 1) {
                throw new IllegalArgumentException("MAML needs at least 1 inner step, 1 outer step, 1 task per step,"
                        + " 2 support and 1 query pairs; got " + this);
            }
            if (!(innerLr > 0) || !(outerLr > 0)) {
                throw new IllegalArgumentException("learning rates must be positive; got " + this);
            }
        }

        /** The settings as {@code key=value} pairs. */
        public String describe() {
            return "inner_steps=" + innerSteps + ",inner_lr=" + innerLr + ",outer_lr=" + outerLr + ",outer_steps="
                    + outerSteps + ",tasks_per_step=" + tasksPerStep + ",support=" + support + ",query=" + query
                    + ",order=" + (firstOrder ? "first" : "second");
        }
    }

    /** Told after every outer step. */
    public interface Listener {
        void step(int step, double queryLoss);
    }

    private final FlatMlp net;
    private final Settings settings;
    private final boolean logTarget;

    public Maml(FlatMlp net, Settings settings) {
        this(net, settings, false);
    }

    /** @param logTarget standardise the logarithm of the values (latency) */
    public Maml(FlatMlp net, Settings settings, boolean logTarget) {
        this.net = net;
        this.settings = settings;
        this.logTarget = logTarget;
    }

    /**
     * Meta-trains from seeded initial weights over episodes of the source tasks.
     *
     * @param tasks source tasks, each with more pairs than the support set
     * @param listener told each outer step's mean query loss after adaptation
     * @return the meta-learned parameters
     */
    public double[] train(List<Pairs> tasks, long seed, Listener listener) {
        for (Pairs t : tasks) {
            if (t.size() <= settings.support()) {
                throw new IllegalArgumentException("task " + t.task() + " has " + t.size() + " pairs; an episode needs"
                        + " more than the " + settings.support() + " support pairs");
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] theta = net.init(rng.nextLong());
        Adam adam = new Adam(net.size(), settings.outerLr());
        double[] sum = new double[net.size()];
        double[] grad = new double[net.size()];
        for (int step = 1; step <= settings.outerSteps(); step++) {
            Arrays.fill(sum, 0);
            double loss = 0;
            for (int e = 0; e < settings.tasksPerStep(); e++) {
                Pairs[] episode = episode(tasks.get(rng.nextInt(tasks.size())), rng);
                loss += metaGradient(theta, episode[0], episode[1], grad) / settings.tasksPerStep();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += grad[i] / settings.tasksPerStep();
                }
            }
            adam.step(theta, sum);
            listener.step(step, loss);
        }
        return theta;
    }

    /** A support and a query set drawn from one task, both standardised by the support set's scale. */
    Pairs[] episode(Pairs task, SplittableRandom rng) {
        int[] order = Pairs.permutation(task.size(), rng);
        int query = Math.min(settings.query(), task.size() - settings.support());
        Pairs support = task.subset(Arrays.copyOf(order, settings.support()));
        Pairs rest = task.subset(Arrays.copyOfRange(order, settings.support(), settings.support() + query));
        Scale scale = Scale.of(support.y(), logTarget);
        return new Pairs[] {new Pairs(task.task(), support.x(), scale.forward(support.y())),
            new Pairs(task.task(), rest.x(), scale.forward(rest.y()))};
    }

    /**
     * The gradient, with respect to {@code theta}, of the query loss after the inner steps on the
     * support set (targets already standardised), written into {@code out}.
     *
     * @return the query loss after adaptation
     */
    public double metaGradient(double[] theta, Pairs support, Pairs query, double[] out) {
        List<double[]> path = new ArrayList<>(settings.innerSteps() + 1);
        double[] grad = new double[net.size()];
        double[] current = theta.clone();
        for (int k = 0; k < settings.innerSteps(); k++) {
            path.add(current.clone());
            net.gradient(current, support.x(), support.y(), grad);
            for (int i = 0; i < current.length; i++) {
                current[i] -= settings.innerLr() * grad[i];
            }
        }
        double loss = net.gradient(current, query.x(), query.y(), out);
        if (!settings.firstOrder()) {
            double[] hv = new double[net.size()];
            for (int k = settings.innerSteps() - 1; k >= 0; k--) {
                // d theta_{k+1} / d theta_k = I - eta H_support(theta_k), symmetric: apply it to the gradient.
                net.hessianVector(path.get(k), support.x(), support.y(), out, hv);
                for (int i = 0; i < out.length; i++) {
                    out[i] -= settings.innerLr() * hv[i];
                }
            }
        }
        return loss;
    }

    /** The query loss after the inner steps, as a function of the starting parameters (for checks). */
    public double adaptedLoss(double[] theta, Pairs support, Pairs query) {
        return net.loss(adapt(net, theta, support, settings.innerSteps(), settings.innerLr()), query.x(), query.y());
    }

    /** {@code steps} plain gradient steps of size {@code lr} on {@code pairs} (targets as given). */
    static double[] adapt(FlatMlp net, double[] theta, Pairs pairs, int steps, double lr) {
        double[] current = theta.clone();
        double[] grad = new double[net.size()];
        for (int k = 0; k < steps; k++) {
            net.gradient(current, pairs.x(), pairs.y(), grad);
            for (int i = 0; i < current.length; i++) {
                current[i] -= lr * grad[i];
            }
        }
        return current;
    }
}
