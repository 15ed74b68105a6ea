package ddl.master.train;

/**
 * What a worker ends a {@link LocalStepsRequest} with.
 *
 * @param weights the worker's weights after its local steps
 * @param lossSum the batch mean losses summed over the local steps
 * @param correct rows classified correctly over the local steps
 * @param rows rows seen over the local steps
 * @param computeNanos time the worker spent computing, from request to reply
 */
public record LocalStepsResult(float[][] weights, double lossSum, int correct, int rows, long computeNanos) {}
