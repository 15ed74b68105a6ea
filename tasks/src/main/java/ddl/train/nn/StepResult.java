package ddl.train.nn;

/**
 * What one gradient computation on a batch yields.
 *
 * @param gradients the gradient of the mean batch loss for every model tensor, same names and shapes as the model
 * @param loss the mean cross-entropy over the batch
 * @param correct how many rows the model classified correctly before the step
 * @param rows the batch size
 */
public record StepResult(ModelWeights gradients, float loss, int correct, int rows) {}
