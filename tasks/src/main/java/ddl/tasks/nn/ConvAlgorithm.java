package ddl.tasks.nn;

/** How convolution and max pooling layers are computed; both give the same results up to float rounding. */
public enum ConvAlgorithm {
    /** TensorFlow's own ops: Conv2D, Conv2DBackpropFilter/Input, MaxPool, MaxPoolGrad. The faster; the default. */
    TF_OPS,
    /** im2col (ExtractImagePatches) and MatMul for convolution, reshape and Max for pooling. */
    IM2COL;

    /** The algorithm models use unless told otherwise. */
    public static final ConvAlgorithm DEFAULT = TF_OPS;
}
