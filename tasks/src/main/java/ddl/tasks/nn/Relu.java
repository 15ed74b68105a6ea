package ddl.tasks.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** The rectifier {@code max(x, 0)}; its gradient passes where the input was positive and is zero elsewhere. */
public final class Relu implements Layer {

    private NDArray input;

    @Override
    public NDArray forward(NDArray x) {
        input = x;
        return x.maximum(0f);
    }

    @Override
    public NDArray backward(NDArray g) {
        if (input == null) {
            throw new IllegalStateException("Relu.backward needs a forward call first");
        }
        return g.mul(input.gt(0f).toType(DataType.FLOAT32, false));
    }
}
