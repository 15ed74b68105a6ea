package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleFunction;

/** Compares analytic gradients with numeric ones. */
final class GradientCheck {

    private GradientCheck() {}

    /**
     * Asserts that the relative error {@code |a - n| / (|a| + |n|)} over the whole vector is below {@code tolerance},
     * and that no single entry is off by more than {@code tolerance} times the largest entry.
     */
    static void assertClose(String what, float[] analytic, double[] numeric, double tolerance) {
        double[] a = new double[analytic.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = analytic[i];
        }
        assertClose(what, a, numeric, tolerance);
    }

    /** Like {@link #assertClose(String, float[], double[], double)} for double-precision gradients. */
    static void assertClose(String what, double[] analytic, double[] numeric, double tolerance) {
        assertTrue(analytic.length == numeric.length,
                what + ": " + analytic.length + " analytic vs " + numeric.length + " numeric entries");
        double diff = 0;
        double normA = 0;
        double normN = 0;
        double largest = 0;
        for (int i = 0; i < numeric.length; i++) {
            diff += sq(analytic[i] - numeric[i]);
            normA += sq(analytic[i]);
            normN += sq(numeric[i]);
            largest = Math.max(largest, Math.max(Math.abs(analytic[i]), Math.abs(numeric[i])));
        }
        double relative = Math.sqrt(diff) / Math.max(Math.sqrt(normA) + Math.sqrt(normN), 1e-300);
        assertTrue(relative < tolerance, what + ": relative error " + relative + " >= " + tolerance);
        assertTrue(largest > 0, what + ": all gradients are zero, so the check proves nothing");
        for (int i = 0; i < numeric.length; i++) {
            double off = Math.abs(analytic[i] - numeric[i]);
            assertTrue(off <= tolerance * largest,
                    what + "[" + i + "]: analytic " + analytic[i] + " vs numeric " + numeric[i]);
        }
    }

    /** Central differences {@code (f(v + eps) - f(v - eps)) / 2 eps} of {@code loss} for every entry of {@code v}. */
    static double[] numeric(double[] v, double eps, ToDoubleFunction<double[]> loss) {
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + eps;
            double up = loss.applyAsDouble(v);
            v[i] = keep - eps;
            double down = loss.applyAsDouble(v);
            v[i] = keep;
            g[i] = (up - down) / (2 * eps);
        }
        return g;
    }

    static float[] gaussian(Random random, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }

    /** Returns {@code rows} labels drawn uniformly from [0, classes) with {@code seed}. */
    static int[] labels(int rows, int classes, long seed) {
        Random random = new Random(seed);
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = random.nextInt(classes);
        }
        return y;
    }

    static double[] gaussianDoubles(Random random, int n, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian() * std;
        }
        return v;
    }

    private static double sq(double x) {
        return x * x;
    }
}
