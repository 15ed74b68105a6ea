package ddl.train.nn;

/**
 * How convolution and max pooling layers are computed; all give the same results up to float rounding (and, for
 * pooling, up to how a window's gradient is shared when it holds its maximum twice: see {@link MaxPool2D}).
 */
public enum ConvAlgorithm {
    /** TensorFlow's ops for convolution (Conv2D, Conv2DBackpropFilter/Input) and MaxPool forward; the default. */
    TF_OPS,
    /** Like {@link #TF_OPS} with TensorFlow's MaxPoolGrad for the pooling backward, which is slower. */
    TF_OPS_MAXPOOLGRAD,
    /** im2col (ExtractImagePatches) and MatMul for convolution; reshape and Max for pooling. */
    IM2COL;

    /** The algorithm models use unless told otherwise. */
    public static final ConvAlgorithm DEFAULT = TF_OPS;
}
