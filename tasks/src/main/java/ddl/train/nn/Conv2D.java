package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A 2-D convolution (cross-correlation, as in every framework) with stride 1 and no padding ("valid") on NHWC
 * images, plus a bias per filter: {@code y[n,i,j,f] = b[f] + sum over a,b,c of x[n,i+a,j+b,c] K[a,b,c,f]}, with the
 * kernel K of shape [k, k, in, out]. Computed by TensorFlow's own ops: Conv2D forward, Conv2DBackpropFilter and
 * Conv2DBackpropInput backward.
 */
public final class Conv2D implements Layer {

    private final NDArray kernel;
    private final NDArray bias;
    private final boolean inputGradientNeeded;
    private NDArray input;
    private NDArray kernelGradient;
    private NDArray biasGradient;

    /**
     * @param kernel the [k, k, in, out] kernel
     * @param bias the [out] bias
     * @param inputGradientNeeded false for a first layer: {@link #backward} then returns null
     */
    public Conv2D(NDArray kernel, NDArray bias, boolean inputGradientNeeded) {
        this.kernel = kernel;
        this.bias = bias;
        this.inputGradientNeeded = inputGradientNeeded;
    }

    @Override
    public NDArray forward(NDArray x) {
        input = x;
        NDArray y = Ops.op(x, "Conv2D").input(kernel).attr("strides", Ops.unitStrides()).attr("padding", "VALID")
                .build();
        return Ops.biasAdd(y, bias);
    }

    @Override
    public NDArray backward(NDArray g) {
        if (input == null) {
            throw new IllegalStateException("Conv2D.backward needs a forward call first");
        }
        biasGradient = Ops.biasGradient(g);
        kernelGradient = Ops.op(input, "Conv2DBackpropFilter").input(Ops.shapeOf(kernel)).input(g)
                .attr("strides", Ops.unitStrides()).attr("padding", "VALID").build();
        if (!inputGradientNeeded) {
            return null;
        }
        return Ops.op(Ops.shapeOf(input), "Conv2DBackpropInput").input(kernel).input(g)
                .attr("strides", Ops.unitStrides()).attr("padding", "VALID").build();
    }

    @Override
    public List<NDArray> parameterGradients() {
        return List.of(kernelGradient, biasGradient);
    }
}
