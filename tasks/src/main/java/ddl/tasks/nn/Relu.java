package ddl.tasks.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The rectifier {@code max(x, 0)}; its gradient passes where the input was positive and is zero elsewhere
 * (including at 0). The mask is {@code sign(output)}, which is 1 exactly where the input was positive.
 */
public final class Relu implements Layer {

    private NDArray output;

    @Override
    public NDArray forward(NDArray x) {
        output = Activation.relu(x);
        return output;
    }

    @Override
    public NDArray backward(NDArray g) {
        if (output == null) {
            throw new IllegalStateException("Relu.backward needs a forward call first");
        }
        return g.mul(output.sign());
    }
}
