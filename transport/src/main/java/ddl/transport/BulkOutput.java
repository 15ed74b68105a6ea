package ddl.transport;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A growable Kryo output that lets bulk serializers reserve room and write into its array. Once a
 * large array is written it switches to chunks: what was buffered and the array's bytes go into
 * {@link ChunkPool} chunks, and later bytes are buffered and moved there on {@link #flush()}.
 */
final class BulkOutput extends Output {
  private static final int SLACK = 64 * 1024;
  /** Arrays of at least this many bytes are written to chunks rather than into the array. */
  static final int CHUNKED_ARRAY_BYTES = 128 * 1024;

  private List<ByteBuf> chunks;
  private ByteBuf current;

  /** Copies {@code count} elements between an array, from {@code index}, and little-endian bytes. */
  interface Elements {
    void copy(ByteBuffer littleEndian, int index, int count);
  }

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

  /** Whether the bytes are in chunks (see {@link #frame()}) rather than in {@link #getBuffer()}. */
  boolean chunked() {
    return chunks != null;
  }

  /** Writes {@code count} elements of {@code width} bytes straight into chunks. */
  void writeChunked(int count, int width, Elements elements) {
    long bytes = (long) count * width;
    if (total() + bytes > maxCapacity) {
      throw new KryoBufferOverflowException("Buffer overflow. Max capacity: " + maxCapacity + ", required: "
          + (total() + bytes));
    }
    if (chunks == null) {
      chunks = new ArrayList<>();
    }
    flush();
    int done = 0;
    while (done < count) {
      if (current == null || current.writableBytes() < width) {
        next();
      }
      int n = Math.min(count - done, current.writableBytes() / width);
      int at = current.writerIndex();
      elements.copy(current.nioBuffer(at, n * width).order(ByteOrder.LITTLE_ENDIAN), done, n);
      current.writerIndex(at + n * width);
      done += n;
    }
    total += bytes;
  }

  /** In chunked mode, moves the buffered bytes to the chunks. */
  @Override
  public void flush() throws KryoException {
    if (chunks == null) {
      return;
    }
    int at = 0;
    while (at < position) {
      if (current == null || !current.isWritable()) {
        next();
      }
      int n = Math.min(position - at, current.writableBytes());
      current.writeBytes(buffer, at, n);
      at += n;
    }
    total += position;
    position = 0;
  }

  /** The chunks as one buffer (after a flush); the caller owns it. */
  CompositeByteBuf frame() {
    flush();
    CompositeByteBuf frame = Unpooled.compositeBuffer(Math.max(2, chunks.size()));
    frame.addComponents(true, chunks);
    chunks = new ArrayList<>();
    current = null;
    return frame;
  }

  /** Gives back any chunks (after a failure). */
  void release() {
    if (chunks != null) {
      chunks.forEach(ByteBuf::release);
      chunks.clear();
      current = null;
    }
  }

  private void next() {
    current = ChunkPool.take();
    chunks.add(current);
  }
}
