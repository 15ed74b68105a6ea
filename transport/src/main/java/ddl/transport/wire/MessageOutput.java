package ddl.transport.wire;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kryo output a message is encoded into. Small values go into its array; large primitive
 * arrays are only referenced, so the message's size is known at once and their elements are copied
 * straight from the Java array into the buffers that go to the socket ({@link #copyTo}), once.
 * The arrays must not change until the message has been copied out.
 */
final class MessageOutput extends Output {
  /** Arrays of at least this many bytes are referenced rather than copied into the array. */
  static final int REFERENCED_ARRAY_BYTES = 16 * 1024;

  /** Copies {@code count} elements between an array, from {@code index}, and little-endian bytes. */
  interface Elements {
    void copy(ByteBuffer littleEndian, int index, int count);
  }

  /** A referenced array whose bytes come before the array's byte {@code at}. */
  private record Part(int at, int count, int width, Elements elements) {
    long bytes() {
      return (long) count * width;
    }
  }

  private final List<Part> parts = new ArrayList<>();
  private final long maxBytes;
  private long referencedBytes;

  /** @param reserve bytes kept free at the start of the array (for a frame prefix) */
  MessageOutput(int initialBytes, long maxBytes, int reserve) {
    super(initialBytes, Integer.MAX_VALUE - 64);
    this.maxBytes = maxBytes;
    setPosition(reserve);
  }

  /** Room for {@code bytes} more bytes in the array; grows by what is needed, not to a power of two, when large. */
  void ensure(int bytes) {
    if (capacity - position >= bytes) {
      return;
    }
    long wanted = Math.max((long) capacity * 2, (long) position + bytes + 1024);
    if (wanted > maxCapacity) {
      require(bytes); // raises Kryo's overflow error with the figures
      return;
    }
    byte[] grown = new byte[(int) wanted];
    System.arraycopy(buffer, 0, grown, 0, position);
    buffer = grown;
    capacity = grown.length;
  }

  /** Writes {@code count} elements of {@code width} bytes: a large array by reference, a small one into the array. */
  void writeElements(int count, int width, Elements elements) {
    long bytes = (long) count * width;
    if (bytes >= REFERENCED_ARRAY_BYTES) {
      if (position + referencedBytes + bytes > maxBytes) {
        throw new KryoBufferOverflowException("message larger than " + maxBytes + " bytes");
      }
      parts.add(new Part(position, count, width, elements));
      referencedBytes += bytes;
      return;
    }
    ensure((int) bytes);
    ByteBuffer view = ByteBuffer.wrap(buffer, position, (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    position += (int) bytes;
    elements.copy(view, 0, count);
  }

  /** Bytes of the message from array offset {@code from} on, referenced arrays included. */
  long size(int from) {
    return position - from + referencedBytes;
  }

  /** Whether every byte is in the array (no array is referenced). */
  boolean contiguous() {
    return parts.isEmpty();
  }

  @Override
  public void flush() throws KryoException {
    // Nothing to flush: the message stays in memory until it is framed.
  }

  /** A position in the message's bytes, for copying them out in pieces. */
  final class Cursor {
    private int part;
    private int arrayAt;
    private int element;
    private final ByteBuffer carry = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private int carryLeft;

    Cursor(int from) {
      arrayAt = from;
    }

    /** Whether bytes remain. */
    boolean hasMore() {
      return arrayAt < position || part < parts.size() || carryLeft > 0;
    }

    /** Copies up to {@code max} next bytes to {@code out}'s writer index; returns how many. */
    int copyTo(ByteBuf out, int max) {
      int done = 0;
      while (done < max && hasMore()) {
        if (carryLeft > 0) {
          int n = Math.min(carryLeft, max - done);
          out.writeBytes(carry.array(), carry.capacity() - carryLeft, n);
          carryLeft -= n;
          done += n;
          continue;
        }
        int arrayEnd = part < parts.size() ? parts.get(part).at() : position;
        if (arrayAt < arrayEnd) {
          int n = Math.min(arrayEnd - arrayAt, max - done);
          out.writeBytes(buffer, arrayAt, n);
          arrayAt += n;
          done += n;
          continue;
        }
        Part p = parts.get(part);
        int whole = Math.min(p.count() - element, (max - done) / p.width());
        if (whole > 0) {
          int at = out.writerIndex();
          out.ensureWritable(whole * p.width());
          p.elements().copy(out.nioBuffer(at, whole * p.width()).order(ByteOrder.LITTLE_ENDIAN), element, whole);
          out.writerIndex(at + whole * p.width());
          element += whole;
          done += whole * p.width();
        } else if (element < p.count()) {
          // One element straddles the end of this piece: stage it, the rest goes out next time.
          ByteBuffer staged = ByteBuffer.wrap(carry.array(), carry.capacity() - p.width(), p.width())
              .order(ByteOrder.LITTLE_ENDIAN);
          p.elements().copy(staged, element, 1);
          element++;
          carryLeft = p.width();
          continue;
        }
        if (element >= p.count()) {
          part++;
          element = 0;
        }
      }
      return done;
    }
  }
}
