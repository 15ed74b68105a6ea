package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MlpComputeTest {

    private static final MlpSpec SPEC = MlpSpec.parse(20, "16,8", 5);

    private static MlpCompute compute;

    @BeforeAll
    static void open() {
        compute = new MlpCompute("cpu");
    }

    @AfterAll
    static void close() {
        compute.close();
    }

    private static float[] images(int rows, long seed) {
        return GradientCheck.gaussian(new Random(seed), rows * SPEC.inputs(), 1);
    }


    @Test
    void gradientHasTheModelsNamesAndShapes() {
        ModelWeights w = SPEC.heInit(1);
        StepResult step = compute.gradient(w, images(8, 2), GradientCheck.labels(8, SPEC.classes(), 3), 8);
        assertTrue(w.sameLayout(step.gradients()));
        assertEquals(8, step.rows());
        assertTrue(step.loss() > 0);
    }

    @Test
    void gradientLossAndCorrectMatchEvaluateOnTheSameBatch() {
        ModelWeights w = SPEC.heInit(4);
        float[] x = images(50, 5);
        int[] y = GradientCheck.labels(50, SPEC.classes(), 6);
        StepResult step = compute.gradient(w, x, y, 50);
        EvalResult eval = compute.evaluate(w, x, y, 50);
        assertEquals(eval.meanLoss(), step.loss(), 1e-5);
        assertEquals(eval.correct(), step.correct());
    }

    @Test
    void gradientUsesOnlyTheFirstBatchRows() {
        ModelWeights w = SPEC.heInit(4);
        float[] x = images(30, 5);
        int[] y = GradientCheck.labels(30, SPEC.classes(), 6);
        StepResult all = compute.gradient(w, java.util.Arrays.copyOf(x, 10 * SPEC.inputs()),
                java.util.Arrays.copyOf(y, 10), 10);
        StepResult prefix = compute.gradient(w, x, y, 10);
        assertEquals(all.gradients(), prefix.gradients());
    }

    @Test
    void evaluateOverSeveralChunksEqualsTheSumOverItsParts() {
        ModelWeights w = SPEC.heInit(7);
        int rows = MlpCompute.CHUNK_ROWS * 2 + 345;
        float[] x = images(rows, 8);
        int[] y = GradientCheck.labels(rows, SPEC.classes(), 9);
        EvalResult whole = compute.evaluate(w, x, y, rows);
        int split = 1234;
        EvalResult head = compute.evaluate(w, x, y, split);
        EvalResult tail = compute.evaluate(w,
                java.util.Arrays.copyOfRange(x, split * SPEC.inputs(), rows * SPEC.inputs()),
                java.util.Arrays.copyOfRange(y, split, rows), rows - split);
        EvalResult sum = head.plus(tail);
        assertEquals(rows, whole.count());
        assertEquals(sum.correct(), whole.correct());
        assertEquals(sum.lossSum(), whole.lossSum(), 1e-6 * whole.lossSum());
    }

    @Test
    void topKIsSortedAndItsFirstClassAgreesWithEvaluate() {
        ModelWeights w = SPEC.heInit(10);
        int rows = 1500;
        float[] x = images(rows, 11);
        int[] y = GradientCheck.labels(rows, SPEC.classes(), 12);
        TopK all = compute.topK(w, x, rows, SPEC.classes());
        TopK two = compute.topK(w, x, rows, 2);
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            float sum = 0;
            for (int j = 0; j < SPEC.classes(); j++) {
                sum += all.probabilities()[r][j];
                if (j > 0) {
                    assertTrue(all.probabilities()[r][j] <= all.probabilities()[r][j - 1]);
                }
            }
            assertEquals(1f, sum, 1e-5);
            assertArrayEquals(java.util.Arrays.copyOf(all.classes()[r], 2), two.classes()[r]);
            if (two.classes()[r][0] == y[r]) {
                correct++;
            }
        }
        assertEquals(rows, two.rows());
        assertEquals(compute.evaluate(w, x, y, rows).correct(), correct);
    }

    @Test
    void rejectsImagesThatDoNotFitTheModel() {
        ModelWeights w = SPEC.heInit(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compute.gradient(w, new float[19 * 4], new int[4], 4));
        assertTrue(e.getMessage().contains("20 inputs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> compute.gradient(w, images(2, 1), new int[] {0, 5}, 2));
        assertThrows(IllegalArgumentException.class, () -> compute.topK(w, images(2, 1), 2, 6));
    }

    @Test
    void gpuRequestUsesAGpuOnlyWhenTheEngineHasOne() {
        boolean hasGpu = Engine.getEngine(MlpCompute.ENGINE).getGpuCount() > 0;
        try (MlpCompute gpu = new MlpCompute("gpu")) {
            assertEquals(hasGpu ? "gpu(0)" : "cpu()", gpu.device());
            ModelWeights w = SPEC.heInit(1);
            assertEquals(8, gpu.gradient(w, images(8, 2), GradientCheck.labels(8, SPEC.classes(), 3), 8).rows());
        }
        assertEquals("cpu()", compute.device());
    }

    @Test
    void unknownDeviceNameIsRejectedWithTheAcceptedNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MlpCompute("tpu"));
        assertTrue(e.getMessage().contains("cpu, gpu"), e.getMessage());
    }
}
