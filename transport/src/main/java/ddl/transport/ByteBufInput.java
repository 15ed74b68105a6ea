package ddl.transport;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Kryo input over a payload that is not one heap array (a large frame's chunks, or a slice of
 * the socket's buffers): small reads go through a small buffer, bulk arrays are copied straight
 * from the source into the array.
 */
final class ByteBufInput extends CheckedInput {
  private static final int BUFFER_BYTES = 8192;
  /** Unread bytes not yet in the buffer start at the source's reader index. */
  private final ByteBuf source;

  ByteBufInput(ByteBuf source) {
    super(BUFFER_BYTES);
    this.source = source;
  }

  @Override
  protected int fill(byte[] buffer, int offset, int count) {
    if (count == 0) {
      return 0; // a full buffer: Kryo compacts it and asks again
    }
    int n = Math.min(count, source.readableBytes());
    if (n == 0) {
      return -1;
    }
    source.readBytes(buffer, offset, n);
    return n;
  }

  @Override
  long remaining() {
    return (long) (limit - position) + source.readableBytes();
  }

  /**
   * Copies the next {@code count} elements of {@code width} bytes into an array; the caller has
   * checked that {@link #remaining()} covers them.
   */
  void readElements(int count, int width, BulkOutput.Elements elements) {
    long next = total() + (long) count * width;
    // Hand the buffered, unread bytes back to the source and read everything from there.
    source.readerIndex(source.readerIndex() - (limit - position));
    position = 0;
    limit = 0;
    ByteBuf bytes = source.readSlice(count * width);
    total = next;
    int done = 0;
    ByteBuffer carry = null;
    for (ByteBuffer part : bytes.nioBuffers()) {
      part.order(ByteOrder.LITTLE_ENDIAN);
      if (carry != null && carry.position() > 0) {
        // An element split across two parts of the source.
        while (carry.hasRemaining() && part.hasRemaining()) {
          carry.put(part.get());
        }
        if (carry.hasRemaining()) {
          continue;
        }
        carry.flip();
        elements.copy(carry, done++, 1);
        carry.clear();
      }
      int whole = part.remaining() / width;
      if (whole > 0) {
        elements.copy(part.slice(part.position(), whole * width).order(ByteOrder.LITTLE_ENDIAN), done, whole);
        done += whole;
        part.position(part.position() + whole * width);
      }
      if (part.hasRemaining()) {
        if (carry == null) {
          carry = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
        }
        carry.put(part);
      }
    }
  }
}
