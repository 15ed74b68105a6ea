package ddl.transport.wire;

import ddl.transport.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Kryo input over a message that arrives as a stream of frames, read by one thread while the
 * event loop hands it the frames' bytes as they come off the socket (no frame is gathered first).
 * Bulk arrays are copied straight from the socket's buffers into the array. The first frame starts
 * with the message's size, so the size checks of {@link CheckedInput} hold as for a whole frame.
 *
 * <p>Flow control: while more than {@link #WINDOW} bytes wait to be read, reading from the socket
 * is paused ({@link FlowControl}), so a slow reader slows its sender instead of filling the heap.
 */
final class StreamInput extends CheckedInput {
  /** Bytes that may wait for the reader before the socket is paused. */
  static final int WINDOW = 8 << 20;
  private static final int BUFFER_BYTES = 8192;

  /** Pauses and resumes reading from the socket; called on any thread. */
  interface FlowControl {
    void pause();

    void resume();
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<ByteBuf> pieces = new ArrayDeque<>();
  /** Which queued pieces are compressed, in the same order. */
  private final ArrayDeque<Boolean> compressed = new ArrayDeque<>();
  private boolean compressedNext;
  private final FlowControl flow;
  private final long maxBytes;
  private final long maxWaitNanos;
  private long queued;
  private boolean paused;
  private boolean ended;
  private ProtocolException failure;
  /** The message's size (uncompressed), from its first 8 bytes; -1 until known. */
  private long size = -1;
  /** Bytes taken from pieces into Kryo's buffer or straight into arrays. */
  private long taken;
  private ByteBuf current;

  /**
   * @param maxBytes the largest message accepted
   * @param maxWait the longest the reader waits for the next bytes (the peer's liveness is checked
   *     separately; this bounds a stream whose sender stopped mid-way)
   */
  StreamInput(FlowControl flow, long maxBytes, java.time.Duration maxWait) {
    super(BUFFER_BYTES);
    this.flow = flow;
    this.maxBytes = maxBytes;
    this.maxWaitNanos = maxWait.toNanos();
  }

  // ---- the event loop's side ----

  /**
   * A piece of the message's bytes, owned by this input from now on: plain bytes, or one whole
   * compressed frame payload ({@code int originalLength | zstd frame}).
   */
  void add(ByteBuf piece, boolean isCompressed) {
    boolean pause = false;
    lock.lock();
    try {
      if (failure != null || ended) {
        piece.release();
        return;
      }
      pieces.add(piece);
      compressed.add(isCompressed);
      queued += piece.readableBytes();
      if (queued > WINDOW && !paused) {
        paused = pause = true;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (pause) {
      flow.pause();
    }
  }

  /** No more bytes will come. */
  void finish() {
    lock.lock();
    try {
      ended = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The message cannot complete (connection closed, protocol error): the reader fails with {@code why}. */
  void fail(ProtocolException why) {
    lock.lock();
    try {
      if (failure == null) {
        failure = why;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- the reader's side ----

  /** Reads the message's size from its first bytes; call once before decoding. */
  long readSize() {
    long s = 0;
    for (int i = 0; i < 8; i++) {
      s = s << 8 | (readByte() & 0xff); // big-endian, as the sender's Netty buffer wrote it
    }
    if (s < 0 || s > maxBytes) {
      throw new ProtocolException("a streamed message announces " + s + " bytes, above the limit of " + maxBytes
          + " (transport.max_message_bytes)");
    }
    size = s + 8;
    return s;
  }

  @Override
  long remaining() {
    return size < 0 ? maxBytes : size - taken + (limit - position);
  }

  /** Whether every byte of the message has been read and no more arrived. */
  boolean fullyRead() {
    return size >= 0 && taken == size && position == limit && nextPiece(false) == null;
  }

  @Override
  protected int fill(byte[] buffer, int offset, int count) {
    if (count == 0) {
      return 0;
    }
    ByteBuf piece = nextPiece(true);
    if (piece == null) {
      return -1;
    }
    int n = Math.min(count, piece.readableBytes());
    piece.readBytes(buffer, offset, n);
    took(n);
    return n;
  }

  @Override
  void readElements(int count, int width, MessageOutput.Elements elements) {
    ElementReader reader = new ElementReader(width, elements);
    long left = (long) count * width;
    int buffered = (int) Math.min(left, limit - position);
    if (buffered > 0) {
      reader.accept(ByteBuffer.wrap(buffer, position, buffered));
      position += buffered;
      left -= buffered;
    }
    total += buffered;
    while (left > 0) {
      ByteBuf piece = nextPiece(true);
      if (piece == null) {
        throw new ProtocolException("a streamed message ended inside an array");
      }
      int n = (int) Math.min(left, piece.readableBytes());
      for (ByteBuffer part : piece.nioBuffers(piece.readerIndex(), n)) {
        reader.accept(part);
      }
      piece.skipBytes(n);
      took(n);
      total += n;
      left -= n;
    }
  }

  private void took(int n) {
    taken += n;
    if (size >= 0 && taken > size) {
      throw new ProtocolException("a streamed message holds more than the " + (size - 8) + " bytes it announced");
    }
  }

  /** The piece to read next (null at the end), waiting for one if {@code wait}. */
  private ByteBuf nextPiece(boolean wait) {
    if (current != null && current.isReadable()) {
      return current;
    }
    boolean resume = false;
    lock.lock();
    try {
      if (current != null) {
        current.release();
        current = null;
      }
      long deadline = System.nanoTime() + maxWaitNanos;
      while (pieces.isEmpty() && !ended && failure == null && wait) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new ProtocolException("a streamed message stalled: no bytes for "
              + TimeUnit.NANOSECONDS.toSeconds(maxWaitNanos) + " s");
        }
        try {
          changed.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ProtocolException("interrupted while reading a streamed message");
        }
      }
      if (failure != null) {
        throw failure;
      }
      current = pieces.poll();
      compressedNext = current != null && compressed.poll();
      if (current != null) {
        queued -= current.readableBytes();
        if (paused && queued < WINDOW / 2) {
          paused = false;
          resume = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (resume) {
      flow.resume();
    }
    if (current != null && compressedNext) {
      ByteBuf packed = current;
      current = null; // released below whether or not it decompresses: never released twice
      try {
        current = Unpooled.wrappedBuffer(Compression.decompress(packed, Frame.MAX_PAYLOAD));
      } finally {
        packed.release();
      }
    }
    return current;
  }

  /** Gives back every piece not read; resumes the socket if this input paused it. */
  void release() {
    boolean resume;
    lock.lock();
    try {
      ended = true;
      if (failure == null) {
        failure = new ProtocolException("the message was abandoned");
      }
      if (current != null) {
        current.release();
        current = null;
      }
      pieces.forEach(ByteBuf::release);
      pieces.clear();
      compressed.clear();
      queued = 0;
      resume = paused;
      paused = false;
    } finally {
      lock.unlock();
    }
    if (resume) {
      flow.resume();
    }
  }
}
