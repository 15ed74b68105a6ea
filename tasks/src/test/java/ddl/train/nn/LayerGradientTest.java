package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks each layer's hand-written backward pass against central finite differences of the scalar
 * {@code L = sum(forward(...) * R)} for a fixed random R, whose gradient with respect to the output is R. Everything
 * runs in double precision (TensorFlow's kernels for these ops take float64), with a step of {@value #EPS} and a
 * relative tolerance of {@value #TOLERANCE}; in float32 the same checks need a step and tolerance near 1e-2.
 */
class LayerGradientTest {

    static final double EPS = 1e-6;
    static final double TOLERANCE = 1e-6;

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager(Device.cpu(), ModelCompute.ENGINE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static NDArray nd(NDManager m, double[] v, int... shape) {
        return m.create(v, Tensors.shapeOf(shape));
    }

    /** Returns sum(out * r). */
    private static double dot(NDArray out, double[] r) {
        double[] o = out.toDoubleArray();
        assertEquals(r.length, o.length, "output size");
        double s = 0;
        for (int i = 0; i < o.length; i++) {
            s += o[i] * r[i];
        }
        return s;
    }

    /**
     * Checks a layer's input gradient and parameter gradients: {@code make} builds the layer on its parameters'
     * NDArrays (in {@code params} order) within a manager.
     */
    private static void check(String name, Function<NDArray[], Layer> make, double[] x, int[] xShape,
            int[] outShape, double[][] params, int[][] paramShapes, long seed) {
        Random random = new Random(seed);
        int outSize = Math.toIntExact(ModelWeights.sizeOf(outShape));
        double[] r = GradientCheck.gaussianDoubles(random, outSize, 1);
        Function<double[], Double> loss = ignored -> {
            try (NDManager m = manager.newSubManager()) {
                return dot(make.apply(upload(m, params, paramShapes)).forward(nd(m, x, xShape)), r);
            }
        };
        try (NDManager m = manager.newSubManager()) {
            Layer layer = make.apply(upload(m, params, paramShapes));
            NDArray out = layer.forward(nd(m, x, xShape));
            assertEquals(Tensors.shapeOf(outShape), out.getShape(), name + " output shape");
            NDArray dx = layer.backward(nd(m, r, outShape));
            GradientCheck.assertClose(name + " dL/dx", dx.toDoubleArray(),
                    GradientCheck.numeric(x, EPS, loss::apply), TOLERANCE);
            for (int p = 0; p < params.length; p++) {
                GradientCheck.assertClose(name + " dL/dparam" + p, layer.parameterGradients().get(p).toDoubleArray(),
                        GradientCheck.numeric(params[p], EPS, loss::apply), TOLERANCE);
            }
        }
    }

    private static NDArray[] upload(NDManager m, double[][] params, int[][] shapes) {
        NDArray[] out = new NDArray[params.length];
        for (int i = 0; i < params.length; i++) {
            out[i] = nd(m, params[i], shapes[i]);
        }
        return out;
    }

    /** Values in random order, at least 0.05 apart, so no max-pool window has a tie within a finite-difference step. */
    private static double[] distinct(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2) * 0.05;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    @Test
    void denseBackwardMatchesFiniteDifferencesForInputWeightAndBias() {
        Random random = new Random(11);
        int rows = 4;
        int in = 5;
        int out = 3;
        check("dense", p -> new Dense(p[0], p[1], true), GradientCheck.gaussianDoubles(random, rows * in, 1),
                new int[] {rows, in}, new int[] {rows, out},
                new double[][] {GradientCheck.gaussianDoubles(random, in * out, 1),
                        GradientCheck.gaussianDoubles(random, out, 1)},
                new int[][] {{in, out}, {out}}, 1);
    }

    @Test
    void firstDenseLayerSkipsTheInputGradient() {
        try (NDManager m = manager.newSubManager()) {
            Dense d = new Dense(nd(m, new double[6], 3, 2), nd(m, new double[2], 2), false);
            d.forward(nd(m, new double[3], 1, 3));
            assertNull(d.backward(nd(m, new double[] {1, 2}, 1, 2)));
            assertArrayEquals(new double[] {1, 2}, d.biasGradient().toDoubleArray());
        }
    }

    @Test
    void convolutionMatchesFiniteDifferencesFor3x3And2x2KernelsWithBothAlgorithms() {
        int rows = 2;
        int h = 6;
        int w = 5;
        int in = 2;
        int out = 3;
        for (ConvAlgorithm algorithm : new ConvAlgorithm[] {ConvAlgorithm.TF_OPS, ConvAlgorithm.IM2COL}) {
            for (int k : new int[] {3, 2}) {
                Random random = new Random(20 + k);
                int kernel = k;
                Function<NDArray[], Layer> make = algorithm == ConvAlgorithm.TF_OPS
                        ? p -> new Conv2D(p[0], p[1], true)
                        : p -> new Im2colConv2D(p[0], p[1], new int[] {h, w, in}, kernel, out, true);
                check(algorithm + " conv k=" + k, make, GradientCheck.gaussianDoubles(random, rows * h * w * in, 1),
                        new int[] {rows, h, w, in}, new int[] {rows, h - k + 1, w - k + 1, out},
                        new double[][] {GradientCheck.gaussianDoubles(random, k * k * in * out, 1),
                                GradientCheck.gaussianDoubles(random, out, 1)},
                        new int[][] {{k, k, in, out}, {out}}, k);
            }
        }
    }

    @Test
    void maxPoolMatchesFiniteDifferencesAndDropsTheOddRowAndColumnInEveryVariant() {
        Random random = new Random(40);
        int[] odd = {5, 7, 3};
        int[] square = {6, 6, 1};
        for (boolean maxPoolGrad : new boolean[] {false, true}) {
            check("max pool, MaxPoolGrad " + maxPoolGrad, p -> new MaxPool2D(2, odd, maxPoolGrad),
                    distinct(random, 2 * 5 * 7 * 3), new int[] {2, 5, 7, 3}, new int[] {2, 2, 3, 3}, new double[0][],
                    new int[0][], 41);
            check("max pool 3, MaxPoolGrad " + maxPoolGrad, p -> new MaxPool2D(3, square, maxPoolGrad),
                    distinct(random, 6 * 6), new int[] {1, 6, 6, 1}, new int[] {1, 2, 2, 1}, new double[0][],
                    new int[0][], 42);
        }
        check("reshape max pool", p -> new ReshapeMaxPool2D(2, odd), distinct(random, 2 * 5 * 7 * 3),
                new int[] {2, 5, 7, 3}, new int[] {2, 2, 3, 3}, new double[0][], new int[0][], 43);
        check("reshape max pool 3", p -> new ReshapeMaxPool2D(3, square), distinct(random, 6 * 6),
                new int[] {1, 6, 6, 1}, new int[] {1, 2, 2, 1}, new double[0][], new int[0][], 44);
    }

    @Test
    void aWindowHoldingItsMaximumTwiceSendsTheGradientToBothOrWithMaxPoolGradToTheFirst() {
        double[] x = {3, 1, 3, 2};
        try (NDManager m = manager.newSubManager()) {
            for (boolean maxPoolGrad : new boolean[] {false, true}) {
                MaxPool2D pool = new MaxPool2D(2, new int[] {2, 2, 1}, maxPoolGrad);
                assertArrayEquals(new double[] {3}, pool.forward(nd(m, x, 1, 2, 2, 1)).toDoubleArray());
                double[] dx = pool.backward(nd(m, new double[] {5}, 1, 1, 1, 1)).toDoubleArray();
                assertArrayEquals(maxPoolGrad ? new double[] {5, 0, 0, 0} : new double[] {5, 0, 5, 0}, dx);
            }
        }
    }

    @Test
    void reluBackwardMatchesFiniteDifferencesAwayFromTheKink() {
        Random random = new Random(12);
        double[] x = new double[4 * 6];
        for (int i = 0; i < x.length; i++) {
            double magnitude = 0.1 + random.nextDouble();
            x[i] = random.nextBoolean() ? magnitude : -magnitude;
        }
        check("relu", p -> new Relu(), x, new int[] {4, 6}, new int[] {4, 6}, new double[0][], new int[0][], 13);
    }

    @Test
    void reluPassesNoGradientAtZeroOrBelow() {
        try (NDManager m = manager.newSubManager()) {
            Relu relu = new Relu();
            assertArrayEquals(new double[] {0, 0, 2}, relu.forward(nd(m, new double[] {-1, 0, 2}, 3)).toDoubleArray());
            assertArrayEquals(new double[] {0, 0, 7}, relu.backward(nd(m, new double[] {5, 6, 7}, 3)).toDoubleArray());
        }
    }

    @Test
    void flattenBackwardMatchesFiniteDifferences() {
        Random random = new Random(14);
        check("flatten", p -> new Flatten(12), GradientCheck.gaussianDoubles(random, 2 * 2 * 3 * 2, 1),
                new int[] {2, 2, 3, 2}, new int[] {2, 12}, new double[0][], new int[0][], 15);
    }

    @Test
    void dropoutBackwardMatchesFiniteDifferencesUnderOneSeed() {
        Random random = new Random(16);
        check("dropout", p -> new Dropout(0.4, 99, 0), GradientCheck.gaussianDoubles(random, 8 * 10, 1),
                new int[] {8, 10}, new int[] {8, 10}, new double[0][], new int[0][], 17);
    }

    @Test
    void dropoutIsReproducibleForASeedAndKeepsAboutOneMinusRateScaledUp() {
        try (NDManager m = manager.newSubManager()) {
            double[] ones = new double[10_000];
            java.util.Arrays.fill(ones, 1);
            NDArray x = nd(m, ones, 100, 100);
            double[] a = new Dropout(0.25, 7, 0).forward(x).toDoubleArray();
            double[] b = new Dropout(0.25, 7, 0).forward(x).toDoubleArray();
            double[] otherSeed = new Dropout(0.25, 8, 0).forward(x).toDoubleArray();
            double[] otherStream = new Dropout(0.25, 7, 1).forward(x).toDoubleArray();
            assertArrayEquals(a, b);
            assertFalse(java.util.Arrays.equals(a, otherSeed));
            assertFalse(java.util.Arrays.equals(a, otherStream));
            int kept = 0;
            for (double v : a) {
                assertTrue(v == 0 || Math.abs(v - 1 / 0.75) < 1e-12, "value " + v);
                kept += v == 0 ? 0 : 1;
            }
            assertEquals(7500, kept, 200, "kept values");
        }
    }

    @Test
    void softmaxCrossEntropyBackwardMatchesFiniteDifferencesOfTheMeanLoss() {
        Random random = new Random(13);
        int rows = 4;
        int classes = 5;
        double[] logits = GradientCheck.gaussianDoubles(random, rows * classes, 2);
        double[] targets = new double[rows * classes];
        for (int r = 0; r < rows; r++) {
            targets[r * classes + random.nextInt(classes)] = 1;
        }
        Function<double[], Double> loss = v -> {
            try (NDManager m = manager.newSubManager()) {
                return new SoftmaxCrossEntropy(rows).forward(nd(m, v, rows, classes), nd(m, targets, rows, classes))
                        .toDoubleArray()[0];
            }
        };
        try (NDManager m = manager.newSubManager()) {
            SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(rows);
            ce.forward(nd(m, logits, rows, classes), nd(m, targets, rows, classes));
            GradientCheck.assertClose("dL/dlogits", ce.backward().toDoubleArray(),
                    GradientCheck.numeric(logits, EPS, loss::apply), TOLERANCE);
        }
    }

    @Test
    void softmaxCrossEntropyLossEqualsMeanNegativeLogLikelihood() {
        double[] logits = {1, 2, 3, 0, 0, 0};
        double[] targets = {0, 0, 1, 1, 0, 0};
        try (NDManager m = manager.newSubManager()) {
            double loss = new SoftmaxCrossEntropy(2).forward(nd(m, logits, 2, 3), nd(m, targets, 2, 3))
                    .toDoubleArray()[0];
            double first = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
            double second = Math.log(3);
            assertEquals((first + second) / 2, loss, 1e-12);
        }
    }

    @Test
    void everyConvolutionAndPoolingVariantGivesWhatTensorFlowsOwnOpsGive() {
        Random random = new Random(50);
        int rows = 3;
        int[] image = {13, 12, 4};
        int k = 3;
        int out = 5;
        double[] x = GradientCheck.gaussianDoubles(random, rows * 13 * 12 * 4, 1);
        double[] kernel = GradientCheck.gaussianDoubles(random, k * k * 4 * out, 1);
        double[] bias = GradientCheck.gaussianDoubles(random, out, 1);
        double[] g = GradientCheck.gaussianDoubles(random, rows * 11 * 10 * out, 1);
        double[] gp = GradientCheck.gaussianDoubles(random, rows * 6 * 6 * 4, 1);
        try (NDManager m = manager.newSubManager()) {
            Layer[] convs = {new Conv2D(nd(m, kernel, k, k, 4, out), nd(m, bias, out), true),
                new Im2colConv2D(nd(m, kernel, k, k, 4, out), nd(m, bias, out), image, k, out, true)};
            Layer[] pools = {new MaxPool2D(2, image, true), new ReshapeMaxPool2D(2, image),
                new MaxPool2D(2, image, false)};
            double[][][] results = new double[3][][];
            for (int i = 0; i < 3; i++) {
                Layer conv = convs[i % 2];
                NDArray in = nd(m, x, rows, 13, 12, 4);
                double[] y = conv.forward(in).toDoubleArray();
                double[] dx = conv.backward(nd(m, g, rows, 11, 10, out)).toDoubleArray();
                double[] pooled = pools[i].forward(in).toDoubleArray();
                double[] dPool = pools[i].backward(nd(m, gp, rows, 6, 6, 4)).toDoubleArray();
                results[i] = new double[][] {y, dx, conv.parameterGradients().get(0).toDoubleArray(),
                    conv.parameterGradients().get(1).toDoubleArray(), pooled, dPool};
            }
            String[] what = {"conv output", "conv dx", "conv dK", "conv db", "pool output", "pool dx"};
            for (int i = 1; i < 3; i++) {
                for (int j = 0; j < what.length; j++) {
                    assertArrayEquals(results[0][j], results[i][j], 1e-10, what[j] + " of variant " + i);
                }
            }
        }
    }
}
