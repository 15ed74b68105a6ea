package ddl.train.nn;

import ai.djl.ndarray.NDArray;

/**
 * Softmax followed by cross-entropy against one-hot targets, averaged over the batch:
 * {@code loss = -sum(targets * logSoftmax(logits)) / rows}. Its gradient with respect to the logits is
 * {@code (softmax(logits) - targets) / rows}. Both come from TensorFlow's fused, numerically stable
 * SoftmaxCrossEntropyWithLogits.
 */
public final class SoftmaxCrossEntropy {

    private final int rows;
    private NDArray rowLosses;
    private NDArray rowGradients;

    /**
     * @param rows the batch size the mean is taken over
     */
    public SoftmaxCrossEntropy(int rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy needs rows > 0; got " + rows);
        }
        this.rows = rows;
    }

    /**
     * Returns the mean loss as a scalar NDArray.
     *
     * @param logits [rows, classes] unnormalised scores
     * @param oneHotTargets [rows, classes] with a single 1 per row at the true class, of the logits' type
     */
    public NDArray forward(NDArray logits, NDArray oneHotTargets) {
        NDArray[] out = Ops.op(logits, "SoftmaxCrossEntropyWithLogits").input(oneHotTargets).build(2);
        rowLosses = out[0];
        rowGradients = out[1];
        return Ops.op(rowLosses, "Mean").input(Ops.longs(logits.getManager(), 0)).attr("keep_dims", false).build();
    }

    /** Returns the [rows] loss of each row of the last {@link #forward} call. */
    public NDArray rowLosses() {
        return rowLosses;
    }

    /** Returns the gradient of the mean loss with respect to the logits of the last {@link #forward} call. */
    public NDArray backward() {
        if (rowGradients == null) {
            throw new IllegalStateException("SoftmaxCrossEntropy.backward needs a forward call first");
        }
        return Ops.mul(rowGradients, Ops.scalar(rowGradients.getManager(), 1.0 / rows, rowGradients.getDataType()));
    }
}
