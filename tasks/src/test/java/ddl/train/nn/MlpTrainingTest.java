package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.train.data.Dataset;
import ddl.train.data.FashionMnist;
import ddl.train.data.TrainTest;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Plain SGD with MlpCompute's gradients learns Fashion-MNIST from a small subset. */
class MlpTrainingTest {

    @Test
    void threeHundredSgdStepsOnTwoThousandImagesReachWellAboveChanceTestAccuracy() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR),
                "Fashion-MNIST is not installed at " + FashionMnist.DEFAULT_DIR);
        TrainTest data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        Dataset train = data.train().slice(0, 2000);
        Dataset test = data.test();
        ModelWeights w = MlpSpec.FASHION_MNIST.heInit(2024);
        Random random = new Random(99);
        float learningRate = 0.1f;
        int batch = 64;
        try (MlpCompute compute = new MlpCompute("cpu")) {
            EvalResult before = compute.evaluate(w, test.images(), test.labels(), test.rows());
            for (int step = 0; step < 300; step++) {
                int[] rows = new int[batch];
                for (int i = 0; i < batch; i++) {
                    rows[i] = random.nextInt(train.rows());
                }
                Dataset b = train.select(rows);
                StepResult result = compute.gradient(w, b.images(), b.labels(), batch);
                for (int t = 0; t < w.size(); t++) {
                    float[] v = w.values()[t];
                    float[] g = result.gradients().values()[t];
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= learningRate * g[i];
                    }
                }
            }
            EvalResult after = compute.evaluate(w, test.images(), test.labels(), test.rows());
            System.out.printf("300 SGD steps on 2000 images: test accuracy %.3f -> %.3f, loss %.3f -> %.3f%n",
                    before.accuracy(), after.accuracy(), before.meanLoss(), after.meanLoss());
            assertTrue(after.accuracy() > 0.6, "test accuracy " + after.accuracy() + " (before: "
                    + before.accuracy() + ")");
            assertTrue(after.meanLoss() < before.meanLoss(),
                    "test loss went from " + before.meanLoss() + " to " + after.meanLoss());
        }
    }
}
