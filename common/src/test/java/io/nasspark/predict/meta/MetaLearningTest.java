package io.nasspark.predict.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.predict.Predictors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaLearningTest {

    private static final FlatMlp NET = new FlatMlp(12, new int[] {16, 8});
    private static final double H = 1e-5;

    /** Features like a one-hot encoding: 4 edges of 3 choices. */
    private static double[][] oneHot(int n, SplittableRandom rng) {
        double[][] x = new double[n][12];
        for (double[] row : x) {
            for (int e = 0; e < 4; e++) {
                row[e * 3 + rng.nextInt(3)] = 1;
            }
        }
        return x;
    }

    private static double[] normal(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static Pairs pairs(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Pairs("t", oneHot(n, rng), normal(n, rng));
    }

    /** Largest |a - b| relative to the largest |b|. */
    private static double relativeError(double[] a, double[] b) {
        double err = 0;
        double scale = 1e-12;
        for (int i = 0; i < a.length; i++) {
            err = Math.max(err, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return err / scale;
    }

    private interface Fn {
        double at(double[] theta);
    }

    private static double[] centralDifferences(Fn f, double[] theta) {
        double[] g = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double[] up = theta.clone();
            double[] down = theta.clone();
            up[i] += H;
            down[i] -= H;
            g[i] = (f.at(up) - f.at(down)) / (2 * H);
        }
        return g;
    }

    @Test
    void gradientMatchesFiniteDifferencesOfTheLoss() {
        double[] theta = NET.init(3);
        Pairs p = pairs(7, 1);
        double[] grad = new double[NET.size()];
        NET.gradient(theta, p.x(), p.y(), grad);
        double err = relativeError(grad, centralDifferences(t -> NET.loss(t, p.x(), p.y()), theta));
        System.out.printf("gradient vs finite differences: relative error %.2e over %d parameters%n", err, NET.size());
        assertTrue(err < 1e-6, "relative error " + err);
    }

    @Test
    void hessianVectorProductMatchesFiniteDifferencesOfTheGradient() {
        double[] theta = NET.init(4);
        Pairs p = pairs(6, 2);
        double[] v = normal(NET.size(), new SplittableRandom(9));
        double[] hv = new double[NET.size()];
        NET.hessianVector(theta, p.x(), p.y(), v, hv);
        double[] up = theta.clone();
        double[] down = theta.clone();
        for (int i = 0; i < v.length; i++) {
            up[i] += H * v[i];
            down[i] -= H * v[i];
        }
        double[] gUp = new double[NET.size()];
        double[] gDown = new double[NET.size()];
        NET.gradient(up, p.x(), p.y(), gUp);
        NET.gradient(down, p.x(), p.y(), gDown);
        double[] fd = new double[NET.size()];
        for (int i = 0; i < fd.length; i++) {
            fd[i] = (gUp[i] - gDown[i]) / (2 * H);
        }
        double err = relativeError(hv, fd);
        System.out.printf("Hessian-vector product vs finite differences: relative error %.2e%n", err);
        assertTrue(err < 1e-5, "relative error " + err);
    }

    @Test
    void secondOrderMetaGradientMatchesFiniteDifferencesAndFirstOrderDoesNot() {
        Pairs support = pairs(10, 5);
        Pairs query = pairs(12, 6);
        double[] theta = NET.init(7);
        Maml second = new Maml(NET, new Maml.Settings(3, 0.1, 1e-3, 1, 1, 10, 12, false));
        Maml first = new Maml(NET, new Maml.Settings(3, 0.1, 1e-3, 1, 1, 10, 12, true));
        double[] exact = new double[NET.size()];
        double[] approx = new double[NET.size()];
        second.metaGradient(theta, support, query, exact);
        first.metaGradient(theta, support, query, approx);
        double[] fd = centralDifferences(t -> second.adaptedLoss(t, support, query), theta);
        double secondErr = relativeError(exact, fd);
        double firstErr = relativeError(approx, fd);
        System.out.printf("MAML meta-gradient (3 inner steps) vs finite differences: second order %.2e,"
                + " first order %.2e%n", secondErr, firstErr);
        assertTrue(secondErr < 1e-5, "second-order relative error " + secondErr);
        assertTrue(firstErr > 1e-3, "first order should differ, relative error " + firstErr);
    }

    /** Tasks that share how candidates rank but not the level or spread of their accuracy. */
    private static List<Pairs> family(int tasks, int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] effect = normal(12, new SplittableRandom(42));
        List<Pairs> out = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            double level = 60 + 30 * rng.nextDouble();
            double spread = 1 + 4 * rng.nextDouble();
            double[][] x = oneHot(size, rng);
            double[] y = new double[size];
            for (int i = 0; i < size; i++) {
                double s = 0;
                for (int j = 0; j < 12; j++) {
                    s += effect[j] * x[i][j];
                }
                y[i] = level + spread * (Math.tanh(s) + 0.1 * rng.nextGaussian());
            }
            out.add(new Pairs("t" + t, x, y));
        }
        return out;
    }

    private static double rmse(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s / a.length);
    }

    @Test
    void metaLearningMakesTenShotsEnoughOnANewTask() {
        Maml.Settings s = new Maml.Settings(3, 0.05, 3e-3, 300, 4, 10, 30, false);
        FlatMlp net = new FlatMlp(12, new int[] {32, 16});
        double[] meta = new Maml(net, s).train(family(8, 60, 1), 11, (step, loss) -> { });
        FewShot fewShot = new FewShot(net, new FewShot.Settings(3, 0.05, 300, 3e-3, 32));
        Pairs target = family(1, 80, 99).get(0);
        Pairs[] split = target.split(10, new SplittableRandom(5));
        double[] truth = split[1].y();
        double maml = rmse(fewShot.maml(meta, split[0]).predict(split[1].x()), truth);
        double fromScratch = rmse(fewShot.maml(net.init(11), split[0]).predict(split[1].x()), truth);
        double targetOnly = rmse(fewShot.targetOnly(split[0], 3).predict(split[1].x()), truth);
        System.out.printf("10-shot RMSE on a new task: maml %.3f, same adaptation from random weights %.3f,"
                + " target-only %.3f%n", maml, fromScratch, targetOnly);
        assertTrue(maml < fromScratch, "meta-learned start should adapt better: " + maml + " vs " + fromScratch);
        assertTrue(maml < targetOnly, "maml " + maml + " vs target-only " + targetOnly);
    }

    @Test
    void anAdaptedPredictorSavesAndLoadsAsAStoredPredictor(@TempDir Path dir) throws Exception {
        FewShot fewShot = new FewShot(NET, new FewShot.Settings(2, 0.05, 10, 1e-3, 8));
        Pairs shots = pairs(10, 8);
        MetaMlpPredictor adapted = fewShot.maml(NET.init(1), shots);
        adapted.save(dir);
        assertEquals(MetaMlpPredictor.KIND, Predictors.kindOf(dir));
        MetaMlpPredictor loaded = (MetaMlpPredictor) Predictors.load(dir);
        Pairs other = pairs(5, 9);
        assertArrayEquals(adapted.predict(other.x()), loaded.predict(other.x()), 0.0);
        assertEquals("maml", loaded.method());
    }
}
