package ddl.train.nn;

import ddl.train.data.Dataset;
import java.util.Random;

/** Plain minibatch SGD in one process with {@link ModelCompute}: the smallest trainer, for tests. */
public final class PlainSgd {

    private PlainSgd() {}

    /**
     * Runs {@code steps} steps of {@code w -= rate * gradient} on batches of {@code batch} rows drawn at random
     * (seeded) from {@code train}, changing {@code weights} in place; returns the mean loss of the last 20 steps.
     */
    public static double train(ModelCompute compute, float[][] weights, Dataset train, int steps, int batch,
            float rate, long seed) {
        Random random = new Random(seed);
        float[] images = new float[batch * train.features()];
        int[] labels = new int[batch];
        float[][] gradients = new float[weights.length][];
        double recentLoss = 0;
        for (int step = 0; step < steps; step++) {
            for (int i = 0; i < batch; i++) {
                int row = random.nextInt(train.rows());
                System.arraycopy(train.images(), row * train.features(), images, i * train.features(),
                        train.features());
                labels[i] = train.labels()[row];
            }
            BatchStats stats = compute.gradient(weights, images, labels, batch,
                    ModelCompute.stepSeed(seed, 0, step, 0), GradientSink.into(gradients));
            if (step >= steps - 20) {
                recentLoss += stats.loss() / Math.min(20, steps);
            }
            for (int t = 0; t < weights.length; t++) {
                float[] w = weights[t];
                float[] g = gradients[t];
                for (int i = 0; i < w.length; i++) {
                    w[i] -= rate * g[i];
                }
            }
        }
        return recentLoss;
    }
}
