package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A fully connected layer {@code y = x W + b} with W of shape [in, out] and b of shape [out], on [rows, in] inputs.
 *
 * <p>Backward: {@code dW = x}ᵀ{@code g}, {@code db = sum over rows of g}, {@code dx = g W}ᵀ; the transposes are
 * flags of TensorFlow's MatMul, so no transposed copy is made.
 */
public final class Dense implements Layer {

    private final NDArray weight;
    private final NDArray bias;
    private final boolean inputGradientNeeded;
    private NDArray input;
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
        input = x;
        return Ops.biasAdd(Ops.matMul(x, weight, false, false), bias);
    }

    @Override
    public NDArray backward(NDArray g) {
        if (input == null) {
            throw new IllegalStateException("Dense.backward needs a forward call first");
        }
        biasGradient = Ops.biasGradient(g);
        weightGradient = Ops.matMul(input, g, true, false);
        return inputGradientNeeded ? Ops.matMul(g, weight, false, true) : null;
    }

    /** Returns the gradient of the loss with respect to W, after {@link #backward}. */
    public NDArray weightGradient() {
        return weightGradient;
    }

    /** Returns the gradient of the loss with respect to b, after {@link #backward}. */
    public NDArray biasGradient() {
        return biasGradient;
    }

    @Override
    public List<NDArray> parameterGradients() {
        return List.of(weightGradient, biasGradient);
    }
}
