package ddl.transport.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import ddl.transport.ArrayLender;
import ddl.transport.DdlException;
import ddl.transport.ProtocolException;
import ddl.transport.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Objects to frames and back: Kryo from a pool, zstd where it pays, and the size limits. A message
 * up to {@link Frame#MAX_PAYLOAD} bytes is one frame; a larger one is a stream of frames, written
 * as the socket drains (the sender waits between frames) and read by {@link StreamInput} as the
 * frames arrive, so neither side holds a copy of the whole message. A codec is bound to one class
 * loader (a worker session's) and one class policy.
 */
public final class PayloadCodec {
  private static final int PREFIX = Frame.PREFIX_BYTES;
  /** Idle Kryo instances kept for reuse. */
  private static final int IDLE_KRYOS = 64;
  /** Data bytes in each frame of a streamed message: a pooled chunk holds the whole frame. */
  static final int STREAM_FRAME_DATA = ChunkPool.CHUNK_BYTES - PREFIX;

  private final TransportConfig config;
  private final ClassLoader loader;
  private final ClassPolicy policy;
  /**
   * Idle instances in slots taken and returned with one atomic operation each: cheaper than a
   * locked queue when every small call takes an instance on one thread and returns it at once.
   */
  private final AtomicReferenceArray<Kryo> idle = new AtomicReferenceArray<>(IDLE_KRYOS);

  public PayloadCodec(TransportConfig config, ClassLoader loader, ClassPolicy policy) {
    this.config = config;
    this.loader = loader;
    this.policy = policy;
  }

  public TransportConfig config() {
    return config;
  }

  private Kryo obtain() {
    for (int i = 0; i < IDLE_KRYOS; i++) {
      if (idle.get(i) != null) {
        Kryo kryo = idle.getAndSet(i, null);
        if (kryo != null) {
          return kryo;
        }
      }
    }
    return KryoFactory.create(loader, policy);
  }

  private void free(Kryo kryo) {
    for (int i = 0; i < IDLE_KRYOS; i++) {
      if (idle.get(i) == null && idle.compareAndSet(i, null, kryo)) {
        return;
      }
    }
  }

  /** Serializes {@code value}; its large arrays are referenced, not yet copied. */
  private MessageOutput serialize(Object value) {
    MessageOutput out = new MessageOutput(256, config.maxMessageBytes(), PREFIX);
    Kryo kryo = obtain();
    try {
      kryo.writeClassAndObject(out, value);
    } catch (KryoException e) {
      throw new DdlException("cannot serialize " + describe(value) + ": " + WireErrors.explain(e), e);
    } finally {
      free(kryo);
    }
    return out;
  }

  /**
   * Encodes {@code value} and hands its frame(s) to {@code writer}. A streamed message waits
   * between frames while the socket is full (except on an event loop, which must not wait), so
   * when this returns the value's arrays have been copied out and may change again.
   */
  public void send(FrameOut writer, FrameKind kind, long requestId, Object value) {
    MessageOutput out = serialize(value);
    long size = out.size(PREFIX);
    if (size <= Frame.MAX_PAYLOAD) {
      writer.write(singleFrame(out, (int) size, kind, requestId, value));
      return;
    }
    stream(writer, out, size, kind, requestId);
  }

  /** The one frame (length prefix included) carrying {@code value}; fails for a value that needs a stream. */
  public ByteBuf encodeFrame(FrameKind kind, long requestId, Object value) {
    MessageOutput out = serialize(value);
    long size = out.size(PREFIX);
    if (size > Frame.MAX_PAYLOAD) {
      throw new DdlException(describe(value) + " needs " + size + " bytes: more than one frame");
    }
    return singleFrame(out, (int) size, kind, requestId, value);
  }

  private ByteBuf singleFrame(MessageOutput out, int size, FrameKind kind, long requestId, Object value) {
    byte[] bytes;
    boolean sampled = false;
    if (out.contiguous()) {
      bytes = out.getBuffer();
    } else if (size >= config.compressThresholdBytes() && worthCompressing(out)) {
      sampled = size > Compression.SAMPLE_BYTES;
      bytes = new byte[PREFIX + size];
      ByteBuf all = Unpooled.wrappedBuffer(bytes);
      all.writerIndex(PREFIX);
      out.new Cursor(PREFIX).copyTo(all, size);
    } else {
      ByteBuf frame = size > Frame.MAX_PAYLOAD / 4 ? ChunkPool.take() : Unpooled.directBuffer(PREFIX + size);
      frame.writerIndex(PREFIX);
      out.new Cursor(PREFIX).copyTo(frame, size);
      Frame.writePrefix(frame, 0, kind, (byte) 0, requestId, size);
      return frame;
    }
    if (size >= config.compressThresholdBytes()) {
      // a sample of this message was already found to pay: compress the whole without a second one
      byte[] packed = sampled ? Compression.compressSampled(bytes, PREFIX, size, config.compressionLevel())
          : Compression.compressIfWorthIt(bytes, PREFIX, size, config.compressionLevel(), config.linkMbits());
      if (packed != null) {
        ByteBuf frame = Unpooled.buffer(PREFIX + packed.length);
        frame.writerIndex(PREFIX);
        frame.writeBytes(packed);
        Frame.writePrefix(frame, 0, kind, Frame.FLAG_COMPRESSED, requestId, packed.length);
        return frame;
      }
    }
    ByteBuf frame = Unpooled.wrappedBuffer(bytes, 0, PREFIX + size);
    Frame.writePrefix(frame, 0, kind, (byte) 0, requestId, size);
    return frame;
  }

  /**
   * Whether to try compressing the message: one no larger than a sample is compressed whole and
   * kept if it shrinks enough; a larger one if compressing its first bytes pays on the link.
   */
  private boolean worthCompressing(MessageOutput out) {
    if (out.size(PREFIX) <= Compression.SAMPLE_BYTES) {
      return true;
    }
    byte[] sample = new byte[(int) Math.min(out.size(PREFIX), Compression.SAMPLE_BYTES)];
    out.new Cursor(PREFIX).copyTo(Unpooled.wrappedBuffer(sample).clear(), sample.length);
    return Compression.pays(sample, config.compressionLevel(), config.linkMbits());
  }

  /** Writes a large message: a frame with its size, then frames of its bytes as the socket drains. */
  private void stream(FrameOut writer, MessageOutput out, long size, FrameKind kind, long requestId) {
    ByteBuf head = Unpooled.buffer(PREFIX + 8);
    head.writerIndex(PREFIX).writeLong(size);
    Frame.writePrefix(head, 0, kind, Frame.FLAG_MORE, requestId, 8);
    writer.write(head);
    boolean compress = size >= config.compressThresholdBytes() && worthCompressing(out);
    MessageOutput.Cursor cursor = out.new Cursor(PREFIX);
    while (cursor.hasMore()) {
      ByteBuf chunk = ChunkPool.take();
      chunk.writerIndex(PREFIX);
      int n = cursor.copyTo(chunk, STREAM_FRAME_DATA);
      byte flags = cursor.hasMore() ? Frame.FLAG_MORE : 0;
      ByteBuf frame = chunk;
      if (compress) {
        byte[] packed = Compression.compressIfWorthIt(chunk, PREFIX, n, config.compressionLevel(),
            config.linkMbits());
        if (packed != null) {
          frame = Unpooled.buffer(PREFIX + packed.length);
          frame.writerIndex(PREFIX).writeBytes(packed);
          chunk.release();
          n = packed.length;
          flags |= Frame.FLAG_COMPRESSED;
        }
      }
      Frame.writePrefix(frame, 0, kind, flags, requestId, n);
      writer.awaitRoom();
      writer.write(frame);
    }
  }

  /**
   * The object a whole frame carries; a malformed payload raises a {@link ProtocolException}. The
   * payload is only read during the call, never kept. Arrays of {@code lender}'s types and lengths
   * are read into its arrays.
   */
  public Object decode(Frame frame, ArrayLender lender) {
    ByteBuf payload = frame.payload();
    int length = payload.readableBytes();
    Input input;
    if (frame.compressed()) {
      byte[] array = Compression.decompress(payload, Frame.MAX_PAYLOAD);
      input = new CheckedInput(array, 0, array.length);
    } else if (payload.hasArray()) {
      input = new CheckedInput(payload.array(), payload.arrayOffset() + payload.readerIndex(), length);
    } else if (length < 64 * 1024) {
      byte[] array = new byte[length];
      payload.getBytes(payload.readerIndex(), array);
      input = new CheckedInput(array, 0, length);
    } else {
      input = new ByteBufInput(payload.duplicate());
    }
    Object value = read(input, lender);
    long trailing = CheckedInput.remaining(input);
    if (trailing != 0) {
      throw new ProtocolException("payload has " + trailing + " trailing bytes");
    }
    return value;
  }

  /** The object a streamed message carries, read as its frames arrive (blocks; not on an event loop). */
  public Object decode(StreamInput input, ArrayLender lender) {
    input.readSize();
    Object value = read(input, lender);
    if (!input.fullyRead()) {
      throw new ProtocolException("a streamed message has bytes after its value");
    }
    return value;
  }

  private Object read(Input input, ArrayLender lender) {
    Kryo kryo = obtain();
    if (lender != null) {
      lender.restart();
      kryo.getContext().put(BulkArraySerializers.LENDER, lender);
    }
    try {
      return kryo.readClassAndObject(input);
    } catch (ProtocolException e) {
      throw e;
    } catch (KryoException | IllegalArgumentException | IndexOutOfBoundsException | NegativeArraySizeException
        | ClassCastException | IllegalStateException | UnsupportedOperationException | NullPointerException e) {
      if (e.getCause() instanceof ProtocolException p) {
        throw p;
      }
      throw new ProtocolException("malformed payload: " + WireErrors.explain(e), e);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // A container size or nesting depth that no real message has: refuse it, keep serving.
      throw new ProtocolException("malformed payload: it asks for " + (e instanceof OutOfMemoryError
          ? "more memory than this process has" : "deeper nesting than this thread's stack allows"), e);
    } finally {
      if (lender != null) {
        kryo.getContext().remove(BulkArraySerializers.LENDER);
      }
      free(kryo);
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }
}
