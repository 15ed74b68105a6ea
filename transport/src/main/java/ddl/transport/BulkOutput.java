package ddl.transport;

import com.esotericsoftware.kryo.io.Output;

/** A growable Kryo output that lets bulk serializers reserve room and write into its array. */
final class BulkOutput extends Output {
  private static final int SLACK = 64 * 1024;

  BulkOutput(int initialBytes, int maxBytes) {
    super(initialBytes, maxBytes);
  }

  /** Room for {@code bytes} more bytes; a large block grows the buffer to fit, not to a power of two. */
  void ensure(int bytes) {
    if (capacity - position >= bytes) {
      return;
    }
    long wanted = Math.max((long) capacity * 2, (long) position + bytes + SLACK);
    if (bytes > 1 << 20) {
      wanted = (long) position + bytes + SLACK;
    }
    if (wanted > maxCapacity) {
      require(bytes); // raises Kryo's overflow error with the figures
      return;
    }
    byte[] grown = new byte[(int) wanted];
    System.arraycopy(buffer, 0, grown, 0, position);
    buffer = grown;
    capacity = grown.length;
  }
}
