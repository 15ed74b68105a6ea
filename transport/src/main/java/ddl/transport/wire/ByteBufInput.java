package ddl.transport.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * A Kryo input over a payload that is not one heap array (slices of the socket's buffers): small
 * reads go through a small buffer, bulk arrays are copied straight from the source into the array.
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

  @Override
  void readElements(int count, int width, MessageOutput.Elements elements) {
    long next = total() + (long) count * width;
    // Hand the buffered, unread bytes back to the source and read everything from there.
    source.readerIndex(source.readerIndex() - (limit - position));
    position = 0;
    limit = 0;
    ByteBuf bytes = source.readSlice(count * width);
    total = next;
    ElementReader reader = new ElementReader(width, elements);
    for (ByteBuffer part : bytes.nioBuffers()) {
      reader.accept(part);
    }
  }
}
