package ddl.train.nn;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks MlpCompute's whole backward pass on a tiny network against finite differences of its mean loss. */
class MlpGradientTest {

    private static final double EPS = 1e-3;

    private static MlpCompute compute;

    @BeforeAll
    static void open() {
        compute = new MlpCompute("cpu");
    }

    @AfterAll
    static void close() {
        compute.close();
    }

    @Test
    void tinyMlpGradientMatchesFiniteDifferencesForEveryTensor() {
        MlpSpec spec = MlpSpec.parse(6, "5,4", 3);
        ModelWeights w = spec.heInit(7);
        Random random = new Random(8);
        for (float[] v : w.values()) {
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (random.nextGaussian() * 0.1);
            }
        }
        int rows = 4;
        float[] x = GradientCheck.gaussian(random, rows * 6, 1);
        int[] y = {0, 2, 1, 2};

        StepResult step = compute.gradient(w, x, y, rows);
        double meanLoss = compute.evaluate(w, x, y, rows).meanLoss();
        org.junit.jupiter.api.Assertions.assertEquals(meanLoss, step.loss(), 1e-5);

        for (int t = 0; t < w.size(); t++) {
            float[] v = w.values()[t];
            double[] numeric = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                float keep = v[i];
                v[i] = (float) (keep + EPS);
                double up = compute.evaluate(w, x, y, rows).meanLoss();
                v[i] = (float) (keep - EPS);
                double down = compute.evaluate(w, x, y, rows).meanLoss();
                v[i] = keep;
                numeric[i] = (up - down) / (2 * EPS);
            }
            GradientCheck.assertClose(w.names()[t], step.gradients().values()[t], numeric, 1e-2);
        }
    }
}
