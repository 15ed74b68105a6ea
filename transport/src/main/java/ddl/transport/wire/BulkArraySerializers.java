package ddl.transport.wire;

import com.esotericsoftware.kryo.Kryo;
import ddl.transport.ArrayLender;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Serializers that copy primitive arrays as one block of little-endian bytes instead of element by
 * element, and check a length against the bytes actually present before allocating the array.
 */
final class BulkArraySerializers {
  /** Where a decode finds the {@link ArrayLender} of the reply it reads (Kryo's context). */
  static final Object LENDER = ArrayLender.class;

  private BulkArraySerializers() {}

  static void register(Kryo kryo) {
    kryo.register(float[].class, new FloatArray());
    kryo.register(double[].class, new DoubleArray());
    kryo.register(int[].class, new IntArray());
    kryo.register(long[].class, new LongArray());
    kryo.register(byte[].class, new ByteArray());
    kryo.register(short[].class, new ShortArray());
    kryo.register(char[].class, new CharArray());
    kryo.register(boolean[].class, new BooleanArray());
  }

  /** Writes the count, then the elements: a large array by reference, a small one copied. */
  static void write(Output output, int count, int width, MessageOutput.Elements elements) {
    if (!(output instanceof MessageOutput message)) {
      throw new KryoException("bulk arrays need a MessageOutput");
    }
    output.writeVarInt(count, true);
    message.writeElements(count, width, elements);
  }

  /**
   * Reads an element count, checks that the message really holds that many elements before
   * allocating them, and fills the array: one the caller lent ({@link ArrayLender}) when it has
   * one of that type and length, else a new one.
   */
  static <A> A read(Kryo kryo, Input input, int width, Class<A> type, IntFunction<A> create,
      Function<A, MessageOutput.Elements> into) {
    int count = input.readVarInt(true);
    long bytes = (long) count * width;
    long available = CheckedInput.remaining(input);
    if (count < 0 || bytes > available) {
      throw new KryoException("array of " + count + " elements claims " + bytes + " bytes but only "
          + available + " remain in the message");
    }
    Object lender = kryo.getContext().get(LENDER);
    A array = lender == null ? null : ((ArrayLender) lender).take(type, count);
    if (array == null) {
      array = create.apply(count);
    }
    MessageOutput.Elements elements = into.apply(array);
    if (input instanceof CheckedInput checked) {
      checked.readElements(count, width, elements);
    } else {
      ByteBuffer view = ByteBuffer.wrap(input.getBuffer(), input.position(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
      input.setPosition(input.position() + (int) bytes);
      elements.copy(view, 0, count);
    }
    return array;
  }

  static final class FloatArray extends Serializer<float[]> {
    @Override
    public void write(Kryo kryo, Output output, float[] a) {
      BulkArraySerializers.write(output, a.length, Float.BYTES, (b, at, n) -> b.asFloatBuffer().put(a, at, n));
    }

    @Override
    public float[] read(Kryo kryo, Input input, Class<? extends float[]> type) {
      return BulkArraySerializers.read(kryo, input, Float.BYTES, float[].class, float[]::new, a -> (b, at, n) -> b.asFloatBuffer().get(a, at, n));
    }
  }

  static final class DoubleArray extends Serializer<double[]> {
    @Override
    public void write(Kryo kryo, Output output, double[] a) {
      BulkArraySerializers.write(output, a.length, Double.BYTES, (b, at, n) -> b.asDoubleBuffer().put(a, at, n));
    }

    @Override
    public double[] read(Kryo kryo, Input input, Class<? extends double[]> type) {
      return BulkArraySerializers.read(kryo, input, Double.BYTES, double[].class, double[]::new,
          a -> (b, at, n) -> b.asDoubleBuffer().get(a, at, n));
    }
  }

  static final class IntArray extends Serializer<int[]> {
    @Override
    public void write(Kryo kryo, Output output, int[] a) {
      BulkArraySerializers.write(output, a.length, Integer.BYTES, (b, at, n) -> b.asIntBuffer().put(a, at, n));
    }

    @Override
    public int[] read(Kryo kryo, Input input, Class<? extends int[]> type) {
      return BulkArraySerializers.read(kryo, input, Integer.BYTES, int[].class, int[]::new, a -> (b, at, n) -> b.asIntBuffer().get(a, at, n));
    }
  }

  static final class LongArray extends Serializer<long[]> {
    @Override
    public void write(Kryo kryo, Output output, long[] a) {
      BulkArraySerializers.write(output, a.length, Long.BYTES, (b, at, n) -> b.asLongBuffer().put(a, at, n));
    }

    @Override
    public long[] read(Kryo kryo, Input input, Class<? extends long[]> type) {
      return BulkArraySerializers.read(kryo, input, Long.BYTES, long[].class, long[]::new, a -> (b, at, n) -> b.asLongBuffer().get(a, at, n));
    }
  }

  static final class ByteArray extends Serializer<byte[]> {
    @Override
    public void write(Kryo kryo, Output output, byte[] a) {
      BulkArraySerializers.write(output, a.length, 1, (b, at, n) -> b.put(a, at, n));
    }

    @Override
    public byte[] read(Kryo kryo, Input input, Class<? extends byte[]> type) {
      return BulkArraySerializers.read(kryo, input, 1, byte[].class, byte[]::new, a -> (b, at, n) -> b.get(a, at, n));
    }
  }

  static final class ShortArray extends Serializer<short[]> {
    @Override
    public void write(Kryo kryo, Output output, short[] a) {
      BulkArraySerializers.write(output, a.length, Short.BYTES, (b, at, n) -> b.asShortBuffer().put(a, at, n));
    }

    @Override
    public short[] read(Kryo kryo, Input input, Class<? extends short[]> type) {
      return BulkArraySerializers.read(kryo, input, Short.BYTES, short[].class, short[]::new,
          a -> (b, at, n) -> b.asShortBuffer().get(a, at, n));
    }
  }

  static final class CharArray extends Serializer<char[]> {
    @Override
    public void write(Kryo kryo, Output output, char[] a) {
      BulkArraySerializers.write(output, a.length, Character.BYTES, (b, at, n) -> b.asCharBuffer().put(a, at, n));
    }

    @Override
    public char[] read(Kryo kryo, Input input, Class<? extends char[]> type) {
      return BulkArraySerializers.read(kryo, input, Character.BYTES, char[].class, char[]::new,
          a -> (b, at, n) -> b.asCharBuffer().get(a, at, n));
    }
  }

  /** Booleans as one byte each, with the same length check before allocating. */
  static final class BooleanArray extends Serializer<boolean[]> {
    @Override
    public void write(Kryo kryo, Output output, boolean[] a) {
      BulkArraySerializers.write(output, a.length, 1, (b, at, n) -> {
        for (int i = 0; i < n; i++) {
          b.put((byte) (a[at + i] ? 1 : 0));
        }
      });
    }

    @Override
    public boolean[] read(Kryo kryo, Input input, Class<? extends boolean[]> type) {
      return BulkArraySerializers.read(kryo, input, 1, boolean[].class, boolean[]::new, a -> (b, at, n) -> {
        for (int i = 0; i < n; i++) {
          a[at + i] = b.get() != 0;
        }
      });
    }
  }
}
