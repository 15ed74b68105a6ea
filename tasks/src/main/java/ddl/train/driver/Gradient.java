package ddl.train.driver;

/**
 * A worker's answer to a {@link GradientRequest}.
 *
 * @param values the gradient of the mean batch loss, one array per tensor
 * @param loss the mean loss over the batch
 * @param correct rows the model classified correctly before the step
 * @param rows the batch size
 * @param computeNanos time the worker spent computing, from request to reply
 */
public record Gradient(float[][] values, float loss, int correct, int rows, long computeNanos) {}
