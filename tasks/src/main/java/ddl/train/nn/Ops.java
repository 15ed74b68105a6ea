package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The TensorFlow ops the layers use, as {@link TfOp} calls that never wait for a shape. Outputs belong to the
 * manager of the first input. Images are NHWC: [rows, height, width, channels].
 */
final class Ops {

    private static final long[] ONES = {1, 1, 1, 1};

    private Ops() {}

    static TfOp op(NDArray first, String name) {
        return TfOp.of(first.getManager(), name).input(first);
    }

    /** A 1-D int64 tensor holding {@code values}, such as a shape. */
    static NDArray longs(NDManager manager, long... values) {
        return manager.create(values);
    }

    /** A scalar of type {@code type} holding {@code value}. */
    static NDArray scalar(NDManager manager, double value, DataType type) {
        if (type == DataType.FLOAT64) {
            return manager.create(value);
        }
        NDArray single = manager.create((float) value);
        return type == DataType.FLOAT32 ? single : single.toType(type, false);
    }

    /** {@code x} with dimensions {@code shape}; one of them may be -1. */
    static NDArray reshape(NDArray x, long... shape) {
        return op(x, "Reshape").input(longs(x.getManager(), shape)).build();
    }

    /** {@code x} with the shape held by the int tensor {@code shape}. */
    static NDArray reshapeLike(NDArray x, NDArray shape) {
        return op(x, "Reshape").input(shape).build();
    }

    /** The shape of {@code x} as an int32 tensor, computed when {@code x} is, without waiting for it. */
    static NDArray shapeOf(NDArray x) {
        return op(x, "Shape").build();
    }

    /** {@code op(a) op(b)} where op transposes when asked; no transposed copy is made. */
    static NDArray matMul(NDArray a, NDArray b, boolean transposeA, boolean transposeB) {
        return op(a, "MatMul").input(b).attr("transpose_a", transposeA).attr("transpose_b", transposeB).build();
    }

    /** Adds {@code bias} along the last dimension of {@code x}. */
    static NDArray biasAdd(NDArray x, NDArray bias) {
        return op(x, "BiasAdd").input(bias).attr("data_format", "NHWC").build();
    }

    /** Sums {@code g} over every dimension but the last: the gradient of {@link #biasAdd} for its bias. */
    static NDArray biasGradient(NDArray g) {
        return op(g, "BiasAddGrad").attr("data_format", "NHWC").build();
    }

    static NDArray mul(NDArray a, NDArray b) {
        return op(a, "Mul").input(b).build();
    }

    static NDArray add(NDArray a, NDArray b) {
        return op(a, "AddV2").input(b).build();
    }

    static NDArray cast(NDArray x, DataType type) {
        return op(x, "Cast").attr("DstT", type).build();
    }

    /** The sum of {@code x} over {@code axes}, dimensions kept or dropped. */
    static NDArray sum(NDArray x, boolean keepDims, long... axes) {
        return op(x, "Sum").input(longs(x.getManager(), axes)).attr("keep_dims", keepDims).build();
    }

    /** The maximum of {@code x} over {@code axes}. */
    static NDArray max(NDArray x, boolean keepDims, long... axes) {
        return op(x, "Max").input(longs(x.getManager(), axes)).attr("keep_dims", keepDims).build();
    }

    /** {@code x} padded with zeros: {@code before[i]} and {@code after[i]} entries on each side of dimension i. */
    static NDArray pad(NDArray x, long[] before, long[] after) {
        long[] paddings = new long[2 * before.length];
        for (int i = 0; i < before.length; i++) {
            paddings[2 * i] = before[i];
            paddings[2 * i + 1] = after[i];
        }
        NDArray p = x.getManager().create(paddings, new Shape(before.length, 2));
        return op(x, "Pad").input(p).build();
    }

    /** The block of {@code x} starting at {@code begin} with {@code size} entries per dimension (-1: to the end). */
    static NDArray slice(NDArray x, long[] begin, long[] size) {
        NDManager m = x.getManager();
        return op(x, "Slice").input(longs(m, begin)).input(longs(m, size)).build();
    }

    /** {@code x} with the order of entries reversed along {@code axes}. */
    static NDArray reverse(NDArray x, long... axes) {
        return op(x, "ReverseV2").input(longs(x.getManager(), axes)).build();
    }

    static NDArray transpose(NDArray x, long... permutation) {
        return op(x, "Transpose").input(longs(x.getManager(), permutation)).build();
    }

    /**
     * im2col for NHWC images: every k x k window of {@code x} (stride 1, no padding) as one row of
     * [rows, height - k + 1, width - k + 1, k * k * channels], entries ordered (dy, dx, channel).
     */
    static NDArray patches(NDArray x, int k) {
        return op(x, "ExtractImagePatches").attr("ksizes", 1, k, k, 1).attr("strides", ONES).attr("rates", ONES)
                .attr("padding", "VALID").build();
    }

    /** Stride 1, unpadded, for attributes of the convolution ops. */
    static long[] unitStrides() {
        return ONES.clone();
    }
}
