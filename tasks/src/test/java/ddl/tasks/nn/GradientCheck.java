package ddl.tasks.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

/** Compares analytic gradients with numeric ones in float32-appropriate terms. */
final class GradientCheck {

    private GradientCheck() {}

    /**
     * Asserts that the relative error {@code |a - n| / (|a| + |n|)} over the whole vector is below {@code tolerance},
     * and that no single entry is off by more than {@code tolerance} times the largest entry.
     */
    static void assertClose(String what, float[] analytic, double[] numeric, double tolerance) {
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
        double relative = Math.sqrt(diff) / Math.max(Math.sqrt(normA) + Math.sqrt(normN), 1e-12);
        assertTrue(relative < tolerance, what + ": relative error " + relative + " >= " + tolerance);
        assertTrue(largest > 0, what + ": all gradients are zero, so the check proves nothing");
        for (int i = 0; i < numeric.length; i++) {
            double off = Math.abs(analytic[i] - numeric[i]);
            assertTrue(off <= tolerance * largest,
                    what + "[" + i + "]: analytic " + analytic[i] + " vs numeric " + numeric[i]);
        }
    }

    static float[] gaussian(Random random, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }

    private static double sq(double x) {
        return x * x;
    }
}
