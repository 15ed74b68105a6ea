package ddl.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Serializers that copy primitive arrays as one block of little-endian bytes instead of element by
 * element, and check a length against the bytes actually present before allocating the array.
 */
final class BulkArraySerializers {
  private BulkArraySerializers() {}

  static void register(Kryo kryo) {
    kryo.register(float[].class, new FloatArray());
    kryo.register(double[].class, new DoubleArray());
    kryo.register(int[].class, new IntArray());
    kryo.register(long[].class, new LongArray());
    kryo.register(byte[].class, new ByteArray());
  }

  /** Room for {@code bytes} more bytes in the output's buffer, growing it if it may grow. */
  static ByteBuffer reserve(Output output, int bytes) {
    if (!(output instanceof BulkOutput bulk)) {
      throw new KryoException("bulk arrays need a BulkOutput");
    }
    bulk.ensure(bytes);
    ByteBuffer view = ByteBuffer.wrap(output.getBuffer(), output.position(), bytes).order(ByteOrder.LITTLE_ENDIAN);
    output.setPosition(output.position() + bytes);
    return view;
  }

  /** The next {@code count * width} bytes of the input, after checking they are really there. */
  static ByteBuffer take(Input input, int count, int width) {
    long bytes = (long) count * width;
    int available = input.limit() - input.position();
    if (count < 0 || bytes > available) {
      throw new KryoException("array of " + count + " elements claims " + bytes + " bytes but only "
          + available + " remain in the message");
    }
    ByteBuffer view = ByteBuffer.wrap(input.getBuffer(), input.position(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    input.setPosition(input.position() + (int) bytes);
    return view;
  }

  private static final class FloatArray extends Serializer<float[]> {
    @Override
    public void write(Kryo kryo, Output output, float[] a) {
      output.writeVarInt(a.length, true);
      reserve(output, a.length * Float.BYTES).asFloatBuffer().put(a);
    }

    @Override
    public float[] read(Kryo kryo, Input input, Class<? extends float[]> type) {
      int n = input.readVarInt(true);
      ByteBuffer bytes = take(input, n, Float.BYTES);
      float[] a = new float[n];
      bytes.asFloatBuffer().get(a);
      return a;
    }
  }

  private static final class DoubleArray extends Serializer<double[]> {
    @Override
    public void write(Kryo kryo, Output output, double[] a) {
      output.writeVarInt(a.length, true);
      reserve(output, a.length * Double.BYTES).asDoubleBuffer().put(a);
    }

    @Override
    public double[] read(Kryo kryo, Input input, Class<? extends double[]> type) {
      int n = input.readVarInt(true);
      ByteBuffer bytes = take(input, n, Double.BYTES);
      double[] a = new double[n];
      bytes.asDoubleBuffer().get(a);
      return a;
    }
  }

  private static final class IntArray extends Serializer<int[]> {
    @Override
    public void write(Kryo kryo, Output output, int[] a) {
      output.writeVarInt(a.length, true);
      reserve(output, a.length * Integer.BYTES).asIntBuffer().put(a);
    }

    @Override
    public int[] read(Kryo kryo, Input input, Class<? extends int[]> type) {
      int n = input.readVarInt(true);
      ByteBuffer bytes = take(input, n, Integer.BYTES);
      int[] a = new int[n];
      bytes.asIntBuffer().get(a);
      return a;
    }
  }

  private static final class LongArray extends Serializer<long[]> {
    @Override
    public void write(Kryo kryo, Output output, long[] a) {
      output.writeVarInt(a.length, true);
      reserve(output, a.length * Long.BYTES).asLongBuffer().put(a);
    }

    @Override
    public long[] read(Kryo kryo, Input input, Class<? extends long[]> type) {
      int n = input.readVarInt(true);
      ByteBuffer bytes = take(input, n, Long.BYTES);
      long[] a = new long[n];
      bytes.asLongBuffer().get(a);
      return a;
    }
  }

  private static final class ByteArray extends Serializer<byte[]> {
    @Override
    public void write(Kryo kryo, Output output, byte[] a) {
      output.writeVarInt(a.length, true);
      reserve(output, a.length).put(a);
    }

    @Override
    public byte[] read(Kryo kryo, Input input, Class<? extends byte[]> type) {
      int n = input.readVarInt(true);
      ByteBuffer bytes = take(input, n, 1);
      byte[] a = new byte[n];
      bytes.get(a);
      return a;
    }
  }
}
