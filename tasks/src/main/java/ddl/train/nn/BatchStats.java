package ddl.train.nn;

/**
 * What a gradient computation reports besides the gradients.
 *
 * @param loss the mean cross-entropy over the batch, before the step
 * @param correct how many rows the model classified correctly, before the step
 * @param rows the batch size
 */
public record BatchStats(float loss, int correct, int rows) {}
