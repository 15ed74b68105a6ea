package ddl.tasks.nn;

import ai.djl.ndarray.NDArray;

/**
 * One step of a network with a hand-written backward pass; the engine has no automatic differentiation.
 *
 * <p>A layer remembers what its last {@link #forward} needs for {@link #backward}, so one instance serves one
 * forward/backward pair at a time.
 */
public interface Layer {

    /** Computes the output for a batch of inputs, one row per example. */
    NDArray forward(NDArray input);

    /**
     * Given the gradient of a scalar loss with respect to the last output, keeps the gradients of the layer's own
     * parameters, if any, and returns the gradient with respect to the last input.
     */
    NDArray backward(NDArray outputGradient);
}
