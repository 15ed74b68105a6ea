package ddl.tasks.nn;

import ai.djl.ndarray.NDArray;

/**
 * The same pooling as {@link MaxPool2D} with plain tensor ops: the image is viewed as
 * [rows, h / s, s, w / s, s, c] and reduced by Max over the two window axes. Backward sends each window's
 * gradient to every input equal to the window's maximum, so it differs from {@link MaxPool2D} only on exact ties.
 */
public final class ReshapeMaxPool2D implements Layer {

    private final int size;
    private final int height;
    private final int width;
    private final int channels;
    private NDArray windows;
    private NDArray maxima;

    /**
     * @param size the window's height and width, also its stride
     * @param inputShape the [height, width, channels] shape of one input image
     */
    public ReshapeMaxPool2D(int size, int[] inputShape) {
        this.size = size;
        this.height = inputShape[0];
        this.width = inputShape[1];
        this.channels = inputShape[2];
    }

    @Override
    public NDArray forward(NDArray x) {
        int h = height / size;
        int w = width / size;
        NDArray used = h * size == height && w * size == width ? x
                : Ops.slice(x, new long[] {0, 0, 0, 0}, new long[] {-1, (long) h * size, (long) w * size, -1});
        windows = Ops.reshape(used, -1, h, size, w, size, channels);
        maxima = Ops.max(windows, true, 2, 4);
        return Ops.reshape(maxima, -1, h, w, channels);
    }

    @Override
    public NDArray backward(NDArray g) {
        if (windows == null) {
            throw new IllegalStateException("ReshapeMaxPool2D.backward needs a forward call first");
        }
        int h = height / size;
        int w = width / size;
        NDArray atMax = Ops.cast(Ops.op(windows, "Equal").input(maxima).build(), g.getDataType());
        NDArray spread = Ops.mul(atMax, Ops.reshape(g, -1, h, 1, w, 1, channels));
        NDArray dx = Ops.reshape(spread, -1, (long) h * size, (long) w * size, channels);
        if (h * size == height && w * size == width) {
            return dx;
        }
        return Ops.pad(dx, new long[] {0, 0, 0, 0}, new long[] {0, height - h * size, width - w * size, 0});
    }
}
