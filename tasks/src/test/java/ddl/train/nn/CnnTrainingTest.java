package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.train.data.Dataset;
import ddl.train.data.Mnist;
import ddl.train.data.TrainTest;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Plain SGD with ModelCompute's gradients teaches the seed CNN MNIST from a few thousand images, in one JVM. */
class CnnTrainingTest {

    @Test
    void twoHundredSgdStepsOnFourThousandDigitsReachWellAboveChanceTestAccuracy() {
        assumeTrue(Files.isRegularFile(Mnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte")),
                "MNIST is not in " + Mnist.DEFAULT_DIR + " (run scripts/fetch-mnist)");
        TrainTest data = Mnist.load(Mnist.DEFAULT_DIR);
        Dataset train = data.train().slice(0, 4000);
        Dataset test = data.test().slice(0, 2000);
        ModelSpec spec = ModelSpec.parse("cnn", new int[] {28, 28, 1}, 10);
        float[][] w = spec.heInit(2024).values();
        try (ModelCompute compute = new ModelCompute(spec, "cpu")) {
            EvalResult before = compute.evaluate(w, test.images(), test.labels(), test.rows());
            long start = System.nanoTime();
            double trainLoss = PlainSgd.train(compute, w, train, 200, 64, 0.05f, 7);
            double seconds = (System.nanoTime() - start) / 1e9;
            EvalResult after = compute.evaluate(w, test.images(), test.labels(), test.rows());
            System.out.printf("CNN, 200 SGD steps of 64 on 4000 MNIST digits in %.1f s: test accuracy %.3f -> %.3f, "
                    + "loss %.3f -> %.3f (train loss of the last steps %.3f)%n", seconds, before.accuracy(),
                    after.accuracy(), before.meanLoss(), after.meanLoss(), trainLoss);
            assertTrue(after.accuracy() > 0.85, "test accuracy " + after.accuracy() + " (before: "
                    + before.accuracy() + ")");
            assertTrue(after.meanLoss() < before.meanLoss() / 3, "test loss went from " + before.meanLoss() + " to "
                    + after.meanLoss());
        }
    }
}
