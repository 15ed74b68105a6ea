package ddl.master.train;

/**
 * Asks a worker for the gradient of its batch {@code step} of epoch {@code epoch} (batches are
 * drawn from the worker's own shard) at these weights.
 *
 * @param weights the model, one array per tensor
 * @param epoch 0-based epoch
 * @param step 0-based step within the epoch
 */
public record GradientRequest(float[][] weights, int epoch, int step) {}
