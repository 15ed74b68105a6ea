package ddl.master.train;

/**
 * Asks a worker to take {@code learningRates.length} steps of momentum SGD on its own batches
 * {@code firstStep, firstStep + 1, ...} of epoch {@code epoch}, starting from {@code weights}, and
 * to send back the weights it ends with (model averaging). The worker keeps its velocity between
 * requests.
 *
 * @param weights the averaged model to start from
 * @param epoch 0-based epoch
 * @param firstStep 0-based step within the epoch of the first local step
 * @param learningRates the rate of each local step
 * @param momentum the momentum of the local optimizer
 * @param velocity the velocity to start from, or an empty array to keep the worker's own
 */
public record LocalStepsRequest(float[][] weights, int epoch, int firstStep, float[] learningRates, float momentum,
    float[][] velocity) {}
