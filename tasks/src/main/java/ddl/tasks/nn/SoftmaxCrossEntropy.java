package ddl.tasks.nn;

import ai.djl.ndarray.NDArray;

/**
 * Softmax followed by cross-entropy against one-hot targets, averaged over the batch:
 * {@code loss = -sum(targets * logSoftmax(logits)) / rows}. Its gradient with respect to the logits is
 * {@code (softmax(logits) - targets) / rows}.
 */
public final class SoftmaxCrossEntropy {

    private static final int CLASS_AXIS = 1;

    private NDArray logProbabilities;
    private NDArray targets;
    private NDArray perRow;

    /**
     * Returns the mean loss as a scalar NDArray.
     *
     * @param logits [rows, classes] unnormalised scores
     * @param oneHotTargets [rows, classes] with a single 1 per row at the true class
     */
    public NDArray forward(NDArray logits, NDArray oneHotTargets) {
        long rows = logits.getShape().get(0);
        logProbabilities = logits.logSoftmax(CLASS_AXIS);
        targets = oneHotTargets;
        perRow = logits.getManager().create(1f / rows);
        return logProbabilities.mul(oneHotTargets).sum().mul(perRow).neg();
    }

    /** Returns the gradient of the mean loss with respect to the logits of the last {@link #forward} call. */
    public NDArray backward() {
        if (logProbabilities == null) {
            throw new IllegalStateException("SoftmaxCrossEntropy.backward needs a forward call first");
        }
        return logProbabilities.exp().sub(targets).mul(perRow);
    }

    /** Returns the log-probabilities of the last {@link #forward} call. */
    public NDArray logProbabilities() {
        return logProbabilities;
    }
}
