package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The same convolution as {@link Conv2D} by im2col and matrix products: every k x k window becomes a row
 * ({@code ExtractImagePatches}), and the layer is then a dense layer of those rows with the kernel seen as a
 * [k * k * in, out] matrix. Backward: {@code dK = cols}ᵀ{@code g}; {@code dx} is the "full" correlation of the
 * zero-padded output gradient with the kernel flipped in both spatial axes and its channel axes swapped, again by
 * im2col and one product.
 */
public final class Im2colConv2D implements Layer {

    private final NDArray kernel;
    private final NDArray bias;
    private final boolean inputGradientNeeded;
    private final int k;
    private final int height;
    private final int width;
    private final int channels;
    private final int filters;
    private NDArray columns;

    private NDArray kernelGradient;
    private NDArray biasGradient;

    /**
     * @param kernel the [k, k, in, out] kernel
     * @param bias the [out] bias
     * @param inputShape the [height, width, in] shape of one input image
     * @param k the kernel size
     * @param filters out
     * @param inputGradientNeeded false for a first layer: {@link #backward} then returns null
     */
    public Im2colConv2D(NDArray kernel, NDArray bias, int[] inputShape, int k, int filters,
            boolean inputGradientNeeded) {
        this.kernel = kernel;
        this.bias = bias;
        this.k = k;
        this.height = inputShape[0];
        this.width = inputShape[1];
        this.channels = inputShape[2];
        this.filters = filters;
        this.inputGradientNeeded = inputGradientNeeded;
    }

    @Override
    public NDArray forward(NDArray x) {
        long window = (long) k * k * channels;
        columns = Ops.reshape(Ops.patches(x, k), -1, window);
        NDArray y = Ops.matMul(columns, Ops.reshape(kernel, window, filters), false, false);
        return Ops.reshape(Ops.biasAdd(y, bias), -1, height - k + 1, width - k + 1, filters);
    }

    @Override
    public NDArray backward(NDArray g) {
        if (columns == null) {
            throw new IllegalStateException("Im2colConv2D.backward needs a forward call first");
        }
        NDArray rows = Ops.reshape(g, -1, filters);
        biasGradient = Ops.biasGradient(rows);
        kernelGradient = Ops.reshape(Ops.matMul(columns, rows, true, false), k, k, channels, filters);
        if (!inputGradientNeeded) {
            return null;
        }
        long[] border = {0, k - 1, k - 1, 0};
        NDArray padded = Ops.pad(g, border, border);
        long window = (long) k * k * filters;
        NDArray gradientColumns = Ops.reshape(Ops.patches(padded, k), -1, window);
        NDArray flipped = Ops.reshape(Ops.transpose(Ops.reverse(kernel, 0, 1), 0, 1, 3, 2), window, channels);
        return Ops.reshape(Ops.matMul(gradientColumns, flipped, false, false), -1, height, width, channels);
    }

    @Override
    public List<NDArray> parameterGradients() {
        return List.of(kernelGradient, biasGradient);
    }
}
