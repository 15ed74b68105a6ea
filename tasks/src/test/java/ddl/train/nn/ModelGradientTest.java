package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks whole networks' backward passes, composed by {@link Sequential} from the layers, against central finite
 * differences of the mean loss, in double precision (step {@value LayerGradientTest#EPS}, relative tolerance
 * {@value LayerGradientTest#TOLERANCE}); then checks that {@link ModelCompute}'s float32 gradients are those
 * gradients up to float rounding.
 */
class ModelGradientTest {

    /** A small CNN with every layer kind: two convolutions (3x3 and 2x2), pooling, dropout, two dense layers. */
    static final ModelSpec SMALL_CNN =
            ModelSpec.parse("10x9x1:conv3x3-relu-pool2-conv4x2-relu-flatten-dense5-relu-dropout0.3-dense3");
    static final ModelSpec SMALL_MLP = ModelSpec.parse("6:dense5-relu-dense4-relu-dense3");

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager(Device.cpu(), ModelCompute.ENGINE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static double[][] weights(ModelSpec spec, long seed) {
        float[][] init = spec.heInit(seed).values();
        Random random = new Random(seed + 1);
        double[][] w = new double[init.length][];
        for (int t = 0; t < w.length; t++) {
            w[t] = new double[init[t].length];
            for (int i = 0; i < w[t].length; i++) {
                w[t][i] = init[t][i] + random.nextGaussian() * 0.1;
            }
        }
        return w;
    }


    private static void checkWholeModel(ModelSpec spec, ConvAlgorithm algorithm, long seed) {
        Float64Model model = new Float64Model(spec, manager, algorithm);
        double[][] w = weights(spec, seed);
        int rows = 3;
        double[] x = GradientCheck.gaussianDoubles(new Random(seed + 2), rows * spec.features(), 1);
        int[] y = GradientCheck.labels(rows, spec.classes(), seed + 3);
        long dropoutSeed = 77;
        double[][] analytic = model.gradients(w, x, y, dropoutSeed);
        for (int t = 0; t < w.length; t++) {
            double[] numeric = GradientCheck.numeric(w[t], LayerGradientTest.EPS,
                    v -> model.loss(w, x, y, true, dropoutSeed));
            GradientCheck.assertClose(spec.names()[t] + " (" + algorithm + ")", analytic[t], numeric,
                    LayerGradientTest.TOLERANCE);
        }
    }

    @Test
    void cnnGradientMatchesFiniteDifferencesForEveryParameterWithEveryConvolutionAlgorithm() {
        for (ConvAlgorithm algorithm : ConvAlgorithm.values()) {
            checkWholeModel(SMALL_CNN, algorithm, 5 + algorithm.ordinal());
        }
    }

    @Test
    void mlpGradientMatchesFiniteDifferencesForEveryParameter() {
        checkWholeModel(SMALL_MLP, ConvAlgorithm.TF_OPS, 7);
    }

    @Test
    void aLayerDefinedOutsideDdlIsCheckedLikeTheBuiltInOnes() {
        ModelSpec withSwish = new ModelSpec(new int[] {6}, java.util.List.of(new LayerSpec.Dense(5),
                new ddl.tasks.owntask.SwishTask.Swish(), new LayerSpec.Dense(3)));
        assertEquals(java.util.List.of("dense0.weight", "dense0.bias", "custom0.beta", "dense1.weight", "dense1.bias"),
                java.util.List.of(withSwish.names()));
        assertEquals("6:dense5-swish-dense3", withSwish.toString());
        checkWholeModel(withSwish, ConvAlgorithm.TF_OPS, 9);
    }

    @Test
    void modelComputeGivesTheDoublePrecisionGradientsInFloat32() {
        for (ModelSpec spec : new ModelSpec[] {SMALL_CNN, SMALL_MLP}) {
            double[][] w = weights(spec, 9);
            float[][] wf = new float[w.length][];
            for (int t = 0; t < w.length; t++) {
                wf[t] = new float[w[t].length];
                for (int i = 0; i < wf[t].length; i++) {
                    wf[t][i] = (float) w[t][i];
                    w[t][i] = wf[t][i];
                }
            }
            int rows = 8;
            float[] xf = GradientCheck.gaussian(new Random(10), rows * spec.features(), 1);
            double[] x = new double[xf.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = xf[i];
            }
            int[] y = GradientCheck.labels(rows, spec.classes(), 11);
            long seed = 12;
            double[][] expected = new Float64Model(spec, manager, ConvAlgorithm.TF_OPS).gradients(w, x, y, seed);
            double expectedLoss = new Float64Model(spec, manager, ConvAlgorithm.TF_OPS).loss(w, x, y, true, seed);
            for (ConvAlgorithm algorithm : ConvAlgorithm.values()) {
                try (ModelCompute compute = new ModelCompute(spec, "cpu", algorithm)) {
                    float[][] got = new float[w.length][];
                    BatchStats stats = compute.gradient(wf, xf, y, rows, seed, GradientSink.into(got));
                    assertEquals(expectedLoss, stats.loss(), 1e-5, spec + " loss");
                    for (int t = 0; t < w.length; t++) {
                        GradientCheck.assertClose(spec.names()[t] + " float32 " + algorithm, got[t], expected[t], 1e-4);
                    }
                }
            }
        }
    }
}
