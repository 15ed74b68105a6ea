package ddl.train.nn;

import ai.djl.ndarray.NDArray;

/**
 * The same pooling as {@link MaxPool2D} with plain tensor ops only: the image is viewed as
 * [rows, h / s, s, w / s, s, c] and reduced by Max over the two window axes; backward is {@link MaxPool2D}'s
 * default (each window's gradient to the inputs equal to its maximum).
 */
public final class ReshapeMaxPool2D implements Layer {

    private final PoolWindows windows;
    private NDArray inputWindows;
    private NDArray maxima;

    /**
     * @param size the window's height and width, also its stride
     * @param inputShape the [height, width, channels] shape of one input image
     */
    public ReshapeMaxPool2D(int size, int[] inputShape) {
        this.windows = new PoolWindows(size, inputShape);
    }

    @Override
    public NDArray forward(NDArray x) {
        inputWindows = windows.of(x);
        maxima = Ops.max(inputWindows, true, 2, 4);
        return windows.pooled(maxima);
    }

    @Override
    public NDArray backward(NDArray g) {
        if (inputWindows == null) {
            throw new IllegalStateException("ReshapeMaxPool2D.backward needs a forward call first");
        }
        return windows.backward(inputWindows, maxima, g);
    }
}
