package ddl.tasks.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks each layer's hand-written backward pass against central finite differences of the scalar
 * {@code L = sum(forward(...) * R)} for a fixed random R, whose gradient with respect to the output is R.
 */
class LayerGradientTest {

    private static final double EPS = 1e-2;
    private static final double TOLERANCE = 1e-2;

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager(Device.cpu(), MlpCompute.ENGINE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static NDArray nd(NDManager m, float[] v, int... shape) {
        return Tensors.create(m, v, shape);
    }

    /** Returns sum(out * r) in double precision. */
    private static double dot(NDArray out, float[] r) {
        float[] o = Tensors.toFloatArray(out);
        double s = 0;
        for (int i = 0; i < o.length; i++) {
            s += (double) o[i] * r[i];
        }
        return s;
    }

    /** Central differences of the scalar {@code loss} with respect to every entry of {@code v}. */
    private static double[] numeric(float[] v, Function<float[], Double> loss) {
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            float keep = v[i];
            v[i] = (float) (keep + EPS);
            double up = loss.apply(v);
            v[i] = (float) (keep - EPS);
            double down = loss.apply(v);
            v[i] = keep;
            g[i] = (up - down) / (2 * EPS);
        }
        return g;
    }

    @Test
    void denseBackwardMatchesFiniteDifferencesForInputWeightAndBias() {
        Random random = new Random(11);
        int rows = 4;
        int in = 5;
        int out = 3;
        float[] x = GradientCheck.gaussian(random, rows * in, 1);
        float[] w = GradientCheck.gaussian(random, in * out, 1);
        float[] b = GradientCheck.gaussian(random, out, 1);
        float[] r = GradientCheck.gaussian(random, rows * out, 1);

        Function<float[], Double> loss = ignored -> {
            try (NDManager m = manager.newSubManager()) {
                Dense d = new Dense(nd(m, w, in, out), nd(m, b, out), true);
                return dot(d.forward(nd(m, x, rows, in)), r);
            }
        };
        try (NDManager m = manager.newSubManager()) {
            Dense d = new Dense(nd(m, w, in, out), nd(m, b, out), true);
            d.forward(nd(m, x, rows, in));
            NDArray dx = d.backward(nd(m, r, rows, out));
            GradientCheck.assertClose("dL/dx", Tensors.toFloatArray(dx), numeric(x, loss), TOLERANCE);
            GradientCheck.assertClose("dL/dW", Tensors.toFloatArray(d.weightGradient()), numeric(w, loss), TOLERANCE);
            GradientCheck.assertClose("dL/db", Tensors.toFloatArray(d.biasGradient()), numeric(b, loss), TOLERANCE);
        }
    }

    @Test
    void denseWithTransposedInputGivenGivesTheSameGradients() {
        Random random = new Random(21);
        int rows = 3;
        int in = 4;
        int out = 2;
        float[] x = GradientCheck.gaussian(random, rows * in, 1);
        float[] xT = new float[x.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < in; c++) {
                xT[c * rows + r] = x[r * in + c];
            }
        }
        float[] w = GradientCheck.gaussian(random, in * out, 1);
        float[] g = GradientCheck.gaussian(random, rows * out, 1);
        try (NDManager m = manager.newSubManager()) {
            Dense plain = new Dense(nd(m, w, in, out), nd(m, new float[out], out), false);
            Dense given = new Dense(nd(m, w, in, out), nd(m, new float[out], out), false);
            plain.forward(nd(m, x, rows, in));
            given.forward(nd(m, x, rows, in), nd(m, xT, in, rows));
            org.junit.jupiter.api.Assertions.assertNull(plain.backward(nd(m, g, rows, out)));
            given.backward(nd(m, g, rows, out));
            org.junit.jupiter.api.Assertions.assertArrayEquals(Tensors.toFloatArray(plain.weightGradient()),
                    Tensors.toFloatArray(given.weightGradient()), 1e-6f);
        }
    }

    @Test
    void reluPassesNoGradientAtZeroOrBelow() {
        try (NDManager m = manager.newSubManager()) {
            Relu relu = new Relu();
            float[] y = Tensors.toFloatArray(relu.forward(nd(m, new float[] {-1, 0, 2}, 3)));
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 0, 2}, y);
            float[] g = Tensors.toFloatArray(relu.backward(nd(m, new float[] {5, 6, 7}, 3)));
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 0, 7}, g);
        }
    }

    @Test
    void reluBackwardMatchesFiniteDifferencesAwayFromTheKink() {
        Random random = new Random(12);
        int rows = 4;
        int cols = 6;
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            float magnitude = 0.1f + random.nextFloat();
            x[i] = random.nextBoolean() ? magnitude : -magnitude;
        }
        float[] r = GradientCheck.gaussian(random, rows * cols, 1);
        Function<float[], Double> loss = v -> {
            try (NDManager m = manager.newSubManager()) {
                return dot(new Relu().forward(nd(m, v, rows, cols)), r);
            }
        };
        try (NDManager m = manager.newSubManager()) {
            Relu relu = new Relu();
            relu.forward(nd(m, x, rows, cols));
            NDArray dx = relu.backward(nd(m, r, rows, cols));
            GradientCheck.assertClose("dL/dx", Tensors.toFloatArray(dx), numeric(x, loss), TOLERANCE);
        }
    }

    @Test
    void softmaxCrossEntropyBackwardMatchesFiniteDifferencesOfTheMeanLoss() {
        Random random = new Random(13);
        int rows = 4;
        int classes = 5;
        float[] logits = GradientCheck.gaussian(random, rows * classes, 2);
        float[] targets = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            targets[r * classes + random.nextInt(classes)] = 1f;
        }
        Function<float[], Double> loss = v -> {
            try (NDManager m = manager.newSubManager()) {
                NDArray l = new SoftmaxCrossEntropy().forward(nd(m, v, rows, classes), nd(m, targets, rows, classes));
                return (double) Tensors.toFloatArray(l)[0];
            }
        };
        try (NDManager m = manager.newSubManager()) {
            SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
            ce.forward(nd(m, logits, rows, classes), nd(m, targets, rows, classes));
            GradientCheck.assertClose("dL/dlogits", Tensors.toFloatArray(ce.backward()), numeric(logits, loss),
                    TOLERANCE);
        }
    }

    @Test
    void softmaxCrossEntropyLossEqualsMeanNegativeLogLikelihood() {
        float[] logits = {1, 2, 3, 0, 0, 0};
        float[] targets = {0, 0, 1, 1, 0, 0};
        try (NDManager m = manager.newSubManager()) {
            float loss = Tensors.toFloatArray(
                    new SoftmaxCrossEntropy().forward(nd(m, logits, 2, 3), nd(m, targets, 2, 3)))[0];
            double first = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
            double second = Math.log(3);
            org.junit.jupiter.api.Assertions.assertEquals((first + second) / 2, loss, 1e-5);
        }
    }
}
