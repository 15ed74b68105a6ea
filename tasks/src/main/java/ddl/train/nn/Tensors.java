package ddl.train.nn;

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
 * <p>Arrays go in through a direct buffer in native byte order, which the engine copies into its own tensor in one
 * go. Each thread reuses one such buffer for inputs up to {@link #SCRATCH_LIMIT_BYTES}: allocating a fresh direct
 * buffer costs more than the copy itself.
 */
public final class Tensors {

    /** Inputs up to this many bytes go through the calling thread's reusable buffer. */
    public static final int SCRATCH_LIMIT_BYTES = 16 << 20;

    private static final ThreadLocal<ByteBuffer> SCRATCH = new ThreadLocal<>();

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
        ByteBuffer bytes = buffer(Math.toIntExact(size * Float.BYTES));
        bytes.asFloatBuffer().put(data, offset, (int) size);
        return manager.create(bytes, shapeOf(shape), DataType.FLOAT32);
    }

    /** Returns a native-order direct buffer of exactly {@code bytes} remaining bytes; the engine copies from it. */
    private static ByteBuffer buffer(int bytes) {
        if (bytes > SCRATCH_LIMIT_BYTES) {
            return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        ByteBuffer scratch = SCRATCH.get();
        if (scratch == null || scratch.capacity() < bytes) {
            int capacity = Math.min(SCRATCH_LIMIT_BYTES, Math.max(bytes, scratch == null ? 0 : 2 * scratch.capacity()));
            scratch = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
            SCRATCH.set(scratch);
        }
        scratch.clear().limit(bytes);
        return scratch;
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
