package ddl.tasks.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Moves float tensors between Java arrays and NDArrays.
 *
 * <p>Arrays go in through a direct buffer in native byte order, which the engine copies in one go; creating from a
 * {@code float[]} directly is several times slower for large inputs.
 */
public final class Tensors {

    private Tensors() {}

    /** Creates an NDArray of the given dimensions from all of {@code data}. */
    public static NDArray create(NDManager manager, float[] data, int[] shape) {
        return create(manager, data, 0, shape);
    }

    /** Creates an NDArray of the given dimensions from the values of {@code data} starting at {@code offset}. */
    public static NDArray create(NDManager manager, float[] data, int offset, int[] shape) {
        long size = ModelWeights.sizeOf(shape);
        if (offset < 0 || offset + size > data.length) {
            throw new IllegalArgumentException("A tensor of shape " + Arrays.toString(shape) + " needs " + size
                    + " values from offset " + offset + " but the array holds " + data.length);
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.toIntExact(size * Float.BYTES)).order(ByteOrder.nativeOrder());
        bytes.asFloatBuffer().put(data, offset, (int) size);
        return manager.create(bytes, shapeOf(shape), DataType.FLOAT32);
    }

    /** Reads an NDArray of any float type back into a new Java array, waiting for pending computation. */
    public static float[] toFloatArray(NDArray array) {
        NDArray floats = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
        FloatBuffer values = floats.toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] out = new float[values.remaining()];
        values.get(out);
        return out;
    }

    /** Returns the DJL shape for Java dimensions. */
    public static Shape shapeOf(int... dims) {
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = dims[i];
        }
        return new Shape(d);
    }
}
