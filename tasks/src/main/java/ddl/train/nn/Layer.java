package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One step of a network with a hand-written backward pass; the engine has no automatic differentiation.
 *
 * <p>A layer remembers what its last {@link #forward} needs for {@link #backward}, so one instance serves one
 * forward/backward pair at a time. Inputs and outputs carry the batch as their first dimension; images are NHWC.
 * Layers queue TensorFlow work and do not wait for it (see {@link TfOp}).
 */
public interface Layer {

    /** Computes the output for a batch of inputs. */
    NDArray forward(NDArray input);

    /**
     * Given the gradient of a scalar loss with respect to the last output, keeps the gradients of the layer's own
     * parameters, if any, and returns the gradient with respect to the last input (null if the layer was told
     * that nobody needs it).
     */
    NDArray backward(NDArray outputGradient);

    /** Returns the gradients of the layer's parameters after {@link #backward}, in parameter order; none by default. */
    default List<NDArray> parameterGradients() {
        return List.of();
    }
}
