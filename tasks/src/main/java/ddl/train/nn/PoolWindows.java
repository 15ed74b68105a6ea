package ddl.train.nn;

import ai.djl.ndarray.NDArray;

/**
 * NHWC images seen as non-overlapping s x s windows, [rows, h / s, s, w / s, s, c] (a trailing row or column that
 * does not fill a window cut off), for max pooling with plain tensor ops.
 */
final class PoolWindows {

    private final int size;
    private final int height;
    private final int width;
    private final int channels;
    private final int h;
    private final int w;

    PoolWindows(int size, int[] inputShape) {
        this.size = size;
        this.height = inputShape[0];
        this.width = inputShape[1];
        this.channels = inputShape[2];
        this.h = height / size;
        this.w = width / size;
    }

    private boolean exact() {
        return h * size == height && w * size == width;
    }

    /** Returns the windows of images {@code x}. */
    NDArray of(NDArray x) {
        NDArray used = exact() ? x
                : Ops.slice(x, new long[] {0, 0, 0, 0}, new long[] {-1, (long) h * size, (long) w * size, -1});
        return Ops.reshape(used, -1, h, size, w, size, channels);
    }

    /** Returns pooled values [rows, h / s, w / s, c] as [rows, h / s, 1, w / s, 1, c], to broadcast over windows. */
    NDArray keepDims(NDArray pooled) {
        return Ops.reshape(pooled, -1, h, 1, w, 1, channels);
    }

    /** Returns kept-dims maxima as [rows, h / s, w / s, c]. */
    NDArray pooled(NDArray maxima) {
        return Ops.reshape(maxima, -1, h, w, channels);
    }

    /**
     * Returns the input gradient of max pooling: each window's gradient {@code g} [rows, h / s, w / s, c] goes to
     * every input of the window equal to its maximum, zero to the rest and to cut-off rows and columns.
     */
    NDArray backward(NDArray windows, NDArray maxima, NDArray g) {
        NDArray atMax = Ops.cast(Ops.op(windows, "Equal").input(maxima).build(), g.getDataType());
        NDArray dx = Ops.reshape(Ops.mul(atMax, keepDims(g)), -1, (long) h * size, (long) w * size, channels);
        return exact() ? dx
                : Ops.pad(dx, new long[] {0, 0, 0, 0}, new long[] {0, height - h * size, width - w * size, 0});
    }
}
