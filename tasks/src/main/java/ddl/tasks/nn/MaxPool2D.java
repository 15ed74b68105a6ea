package ddl.tasks.nn;

import ai.djl.ndarray.NDArray;

/**
 * Max pooling over non-overlapping size x size windows of NHWC images (stride = size, a trailing row or column
 * that does not fill a window is dropped), by TensorFlow's MaxPool and MaxPoolGrad: the gradient of each window
 * goes to its largest input (the first one on ties).
 */
public final class MaxPool2D implements Layer {

    private final long[] window;
    private NDArray input;
    private NDArray output;

    /**
     * @param size the window's height and width, also its stride
     */
    public MaxPool2D(int size) {
        this.window = new long[] {1, size, size, 1};
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
        return Ops.op(input, "MaxPoolGrad").input(output).input(g).attr("ksize", window).attr("strides", window)
                .attr("padding", "VALID").build();
    }
}
