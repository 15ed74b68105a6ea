package ddl.train.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * Writes one float32 array in NumPy's {@code .npy} format, version 1.0: the magic {@code \x93NUMPY}, the version,
 * a little-endian 16-bit header length, a Python dict literal giving dtype {@code <f4}, C (row-major) order and
 * the shape, padded with spaces and a newline so that the data starts at a multiple of 64 bytes, then the values
 * little-endian.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  private static final int ALIGN = 64;

  private Npy() {}

  /** Returns the header dict for a float32 C-order array of {@code shape}, such as {@code (3, 4)} or {@code (10,)}. */
  static String header(int[] shape) {
    StringJoiner dims = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
    for (int d : shape) {
      dims.add(Integer.toString(d));
    }
    return "{'descr': '<f4', 'fortran_order': False, 'shape': " + dims + ", }";
  }

  /** Writes {@code values}, row-major, as an array of dimensions {@code shape}. */
  public static void write(OutputStream out, float[] values, int[] shape) throws IOException {
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size != values.length) {
      throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " needs " + size
          + " values; got " + values.length);
    }
    StringBuilder header = new StringBuilder(header(shape));
    int unpadded = MAGIC.length + 2 + header.length() + 1;
    header.append(" ".repeat((ALIGN - unpadded % ALIGN) % ALIGN)).append('\n');
    byte[] text = header.toString().getBytes(StandardCharsets.US_ASCII);
    out.write(MAGIC);
    out.write(text.length & 0xFF);
    out.write(text.length >>> 8);
    out.write(text);
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < values.length; from += chunk.capacity() / Float.BYTES) {
      int n = Math.min(chunk.capacity() / Float.BYTES, values.length - from);
      chunk.clear();
      chunk.asFloatBuffer().put(values, from, n);
      out.write(chunk.array(), 0, n * Float.BYTES);
    }
  }
}
