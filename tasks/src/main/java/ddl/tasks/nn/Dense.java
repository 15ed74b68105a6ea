package ddl.tasks.nn;

import ai.djl.ndarray.NDArray;

/**
 * A fully connected layer {@code y = x W + b} with W of shape [in, out] and b of shape [out].
 *
 * <p>Backward needs {@code x}ᵀ. The engine's transpose of a large batch costs more than the matrix product it
 * feeds, so a caller that can make {@code x}ᵀ cheaply (for instance in Java, for an input batch) may hand it to
 * {@link #forward(NDArray, NDArray)}.
 */
public final class Dense implements Layer {

    private static final int[] BATCH_AXIS = {0};

    private final NDArray weight;
    private final NDArray bias;
    private final boolean inputGradientNeeded;
    private NDArray input;
    private NDArray inputTransposed;
    private NDArray weightGradient;
    private NDArray biasGradient;

    /**
     * @param weight the [in, out] weight matrix
     * @param bias the [out] bias vector
     * @param inputGradientNeeded false for a first layer, whose input gradient nobody uses: {@link #backward}
     *     then skips computing it and returns null
     */
    public Dense(NDArray weight, NDArray bias, boolean inputGradientNeeded) {
        this.weight = weight;
        this.bias = bias;
        this.inputGradientNeeded = inputGradientNeeded;
    }

    @Override
    public NDArray forward(NDArray x) {
        return forward(x, null);
    }

    /**
     * Like {@link #forward(NDArray)}, with {@code xTransposed} = {@code x}ᵀ of shape [in, rows] already at hand, or
     * null to let {@link #backward} transpose {@code x} itself.
     */
    public NDArray forward(NDArray x, NDArray xTransposed) {
        input = x;
        inputTransposed = xTransposed;
        return x.matMul(weight).add(bias);
    }

    @Override
    public NDArray backward(NDArray g) {
        if (input == null) {
            throw new IllegalStateException("Dense.backward needs a forward call first");
        }
        NDArray xT = inputTransposed != null ? inputTransposed : input.transpose();
        weightGradient = xT.matMul(g);
        biasGradient = g.sum(BATCH_AXIS);
        return inputGradientNeeded ? g.matMul(weight.transpose()) : null;
    }

    /** Returns the gradient of the loss with respect to W, after {@link #backward}. */
    public NDArray weightGradient() {
        return weightGradient;
    }

    /** Returns the gradient of the loss with respect to b, after {@link #backward}. */
    public NDArray biasGradient() {
        return biasGradient;
    }
}
