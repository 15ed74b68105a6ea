package ddl.train.nn;

import ai.djl.ndarray.NDArray;

/** Turns each example into one row: [rows, d1, d2, ...] to [rows, d1 * d2 * ...], in row-major (NHWC) order. */
public final class Flatten implements Layer {

    private final long features;
    private NDArray inputShape;

    /**
     * @param features the number of values per example, the product of its dimensions
     */
    public Flatten(long features) {
        this.features = features;
    }

    @Override
    public NDArray forward(NDArray x) {
        inputShape = Ops.shapeOf(x);
        return Ops.reshape(x, -1, features);
    }

    @Override
    public NDArray backward(NDArray g) {
        if (inputShape == null) {
            throw new IllegalStateException("Flatten.backward needs a forward call first");
        }
        return Ops.reshapeLike(g, inputShape);
    }
}
