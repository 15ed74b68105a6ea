package ddl.train.nn;

import ai.djl.ndarray.NDArray;

/**
 * The rectifier {@code max(x, 0)}; its gradient passes where the input was positive and is zero elsewhere
 * (including at 0), which is where the output is positive: TensorFlow's ReluGrad on the output.
 */
public final class Relu implements Layer {

    private NDArray output;

    @Override
    public NDArray forward(NDArray x) {
        output = Ops.op(x, "Relu").build();
        return output;
    }

    @Override
    public NDArray backward(NDArray g) {
        if (output == null) {
            throw new IllegalStateException("Relu.backward needs a forward call first");
        }
        return Ops.op(g, "ReluGrad").input(output).build();
    }
}
