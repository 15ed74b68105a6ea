package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ModelCompute on a small CNN with dropout: what gradient, evaluate and topK promise. */
class ModelComputeTest {

    private static final ModelSpec SPEC =
            ModelSpec.parse("12x12x1:conv4x3-relu-pool2-conv6x3-relu-flatten-dense8-relu-dropout0.5-dense5");
    private static final ModelSpec WITHOUT_DROPOUT =
            ModelSpec.parse("12x12x1:conv4x3-relu-pool2-conv6x3-relu-flatten-dense8-relu-dense5");

    private static ModelCompute compute;

    @BeforeAll
    static void open() {
        compute = new ModelCompute(SPEC, "cpu");
    }

    @AfterAll
    static void close() {
        compute.close();
    }

    private static float[] images(int rows, long seed) {
        return GradientCheck.gaussian(new Random(seed), rows * SPEC.features(), 1);
    }


    private static float[][] gradients(float[][] w, float[] x, int[] y, int rows, long seed) {
        float[][] g = new float[w.length][];
        compute.gradient(w, x, y, rows, seed, GradientSink.into(g));
        return g;
    }

    @Test
    void sinkGetsEveryParameterOnceLastFirstInTheModelsShapes() {
        float[][] w = SPEC.heInit(1).values();
        List<Integer> order = new ArrayList<>();
        float[][] g = new float[w.length][];
        int[] y = GradientCheck.labels(8, SPEC.classes(), 3);
        BatchStats stats = compute.gradient(w, images(8, 2), y, 8, 4, (i, v) -> {
            order.add(i);
            g[i] = v;
        });
        assertEquals(List.of(7, 6, 5, 4, 3, 2, 1, 0), order);
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i].length, g[i].length, SPEC.names()[i]);
        }
        assertEquals(8, stats.rows());
        assertTrue(stats.loss() > 0);
    }

    @Test
    void dropoutMasksFollowTheSeedAndEvaluationLeavesDropoutOut() {
        float[][] w = SPEC.heInit(5).values();
        float[] x = images(16, 6);
        int[] y = GradientCheck.labels(16, SPEC.classes(), 7);
        float[][] a = gradients(w, x, y, 16, 11);
        assertTrue(Arrays.deepEquals(a, gradients(w, x, y, 16, 11)), "the same seed gives the same gradients");
        assertFalse(Arrays.deepEquals(a, gradients(w, x, y, 16, 12)), "another seed drops other units");
        try (ModelCompute plain = new ModelCompute(WITHOUT_DROPOUT, "cpu")) {
            EvalResult withDropout = compute.evaluate(w, x, y, 16);
            EvalResult without = plain.evaluate(w, x, y, 16);
            assertEquals(without.lossSum(), withDropout.lossSum(), 1e-9);
            assertEquals(without.correct(), withDropout.correct());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> compute.gradient(w, x, y, 16, GradientSink.into(new float[w.length][])));
        assertTrue(e.getMessage().contains("pass a seed"), e.getMessage());
    }

    @Test
    void withoutDropoutTheGradientLossAndCorrectMatchEvaluateOnTheSameBatch() {
        try (ModelCompute plain = new ModelCompute(WITHOUT_DROPOUT, "cpu")) {
            float[][] w = WITHOUT_DROPOUT.heInit(4).values();
            float[] x = images(50, 5);
            int[] y = GradientCheck.labels(50, SPEC.classes(), 6);
            BatchStats step = plain.gradient(w, x, y, 50, GradientSink.into(new float[w.length][]));
            EvalResult eval = plain.evaluate(w, x, y, 50);
            assertEquals(eval.meanLoss(), step.loss(), 1e-5);
            assertEquals(eval.correct(), step.correct());
        }
    }

    @Test
    void gradientUsesOnlyTheFirstRows() {
        float[][] w = SPEC.heInit(4).values();
        float[] x = images(30, 5);
        int[] y = GradientCheck.labels(30, SPEC.classes(), 6);
        assertTrue(Arrays.deepEquals(gradients(w, Arrays.copyOf(x, 10 * SPEC.features()), Arrays.copyOf(y, 10), 10, 1),
                gradients(w, x, y, 10, 1)));
    }

    @Test
    void evaluateOverSeveralChunksEqualsTheSumOverItsPartsAndTopKAgrees() {
        float[][] w = SPEC.heInit(7).values();
        int rows = ModelCompute.CHUNK_ROWS + 345;
        float[] x = images(rows, 8);
        int[] y = GradientCheck.labels(rows, SPEC.classes(), 9);
        EvalResult whole = compute.evaluate(w, x, y, rows);
        int split = 1234;
        EvalResult sum = compute.evaluate(w, x, y, split).plus(compute.evaluate(w,
                Arrays.copyOfRange(x, split * SPEC.features(), rows * SPEC.features()), Arrays.copyOfRange(y, split, rows),
                rows - split));
        assertEquals(rows, whole.count());
        assertEquals(sum.correct(), whole.correct());
        assertEquals(sum.lossSum(), whole.lossSum(), 1e-6 * whole.lossSum());
        TopK top = compute.topK(w, x, rows, 2);
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            assertTrue(top.probabilities()[r][0] >= top.probabilities()[r][1]);
            correct += top.classes()[r][0] == y[r] ? 1 : 0;
        }
        assertEquals(whole.correct(), correct);
    }

    @Test
    void stepSeedsDifferAcrossEpochStepAndWorker() {
        long s = ModelCompute.stepSeed(1, 0, 0, 0);
        assertEquals(s, ModelCompute.stepSeed(1, 0, 0, 0));
        assertFalse(s == ModelCompute.stepSeed(1, 0, 0, 1) || s == ModelCompute.stepSeed(1, 0, 1, 0)
                || s == ModelCompute.stepSeed(1, 1, 0, 0) || s == ModelCompute.stepSeed(2, 0, 0, 0));
    }

    @Test
    void rejectsWeightsAndImagesThatDoNotFitTheModel() {
        float[][] w = SPEC.heInit(1).values();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compute.evaluate(Arrays.copyOf(w, 7), images(2, 1), new int[2], 2));
        assertTrue(e.getMessage().contains("has 8 parameter tensors"), e.getMessage());
        float[][] wrong = w.clone();
        wrong[2] = new float[3];
        e = assertThrows(IllegalArgumentException.class, () -> compute.topK(wrong, images(2, 1), 2, 1));
        assertTrue(e.getMessage().contains("conv1.kernel"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> compute.evaluate(w, new float[100], new int[1], 1));
        assertTrue(e.getMessage().contains("144 inputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> compute.evaluate(w, images(1, 1), new int[] {5}, 1));
        assertNotNull(e.getMessage());
        assertArrayEquals(new int[] {12, 12, 1}, compute.spec().inputShape());
    }
}
