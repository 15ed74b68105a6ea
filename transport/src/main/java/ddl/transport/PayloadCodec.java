package ddl.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Objects to frames and back: Kryo from a pool, zstd where it pays, and the size limits. A codec is
 * bound to one class loader (a worker session's) and one class policy.
 */
public final class PayloadCodec {
  private static final int PREFIX = 4 + Frame.HEADER_BYTES;
  /** Idle Kryo instances kept for reuse. */
  private static final int IDLE_KRYOS = 64;
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

  /**
   * The whole frame (length prefix included) carrying {@code value}. A frame holding large arrays
   * is a direct buffer made of pooled chunks, which the socket releases once it has sent it.
   */
  public Buffer encodeFrame(FrameKind kind, long requestId, Object value) {
    BulkOutput out = new BulkOutput(256, Integer.MAX_VALUE - 64);
    out.setPosition(PREFIX);
    Kryo kryo = obtain();
    try {
      kryo.writeClassAndObject(out, value);
    } catch (KryoException e) {
      out.release();
      throw new DdlException("cannot serialize " + describe(value) + ": " + rootMessage(e), e);
    } catch (RuntimeException | Error e) {
      out.release();
      throw e;
    } finally {
      free(kryo);
    }
    if (out.chunked()) {
      CompositeByteBuf frame = out.frame();
      int payloadBytes = frame.readableBytes() - PREFIX;
      if (payloadBytes >= config.compressThresholdBytes()) {
        byte[] sample = new byte[Math.min(payloadBytes, Compression.SAMPLE_BYTES)];
        frame.getBytes(PREFIX, sample);
        if (Compression.sampleShrinks(sample, config.compressionLevel())) {
          // Worth compressing: go back to one array and take the ordinary path.
          byte[] bytes = new byte[frame.readableBytes()];
          frame.getBytes(0, bytes);
          frame.release();
          return finish(kind, requestId, value, bytes, bytes.length);
        }
      }
      int frameBytes = frame.readableBytes() - 4;
      if (frameBytes > config.maxFrameBytes()) {
        frame.release();
        throw tooLarge(value, frameBytes);
      }
      frame.setInt(0, frameBytes);
      frame.setByte(4, Frame.VERSION);
      frame.setByte(5, kind.code());
      frame.setByte(6, 0);
      frame.setLong(7, requestId);
      return BufferInternal.buffer(frame);
    }
    return finish(kind, requestId, value, out.getBuffer(), out.position());
  }

  private Buffer finish(FrameKind kind, long requestId, Object value, byte[] bytes, int length) {
    byte flags = 0;
    int payloadBytes = length - PREFIX;
    if (payloadBytes >= config.compressThresholdBytes() && payloadBytes > 0) {
      byte[] packed = Compression.compressIfWorthIt(bytes, PREFIX, payloadBytes, config.compressionLevel());
      if (packed != null) {
        byte[] framed = new byte[PREFIX + packed.length];
        System.arraycopy(packed, 0, framed, PREFIX, packed.length);
        bytes = framed;
        length = framed.length;
        flags = Frame.FLAG_COMPRESSED;
      }
    }
    int frameBytes = length - 4;
    if (frameBytes > config.maxFrameBytes()) {
      throw tooLarge(value, frameBytes);
    }
    Compression.writeInt(bytes, 0, frameBytes);
    bytes[4] = Frame.VERSION;
    bytes[5] = kind.code();
    bytes[6] = flags;
    for (int i = 0; i < 8; i++) {
      bytes[7 + i] = (byte) (requestId >>> (56 - 8 * i));
    }
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, 0, length));
  }

  private DdlException tooLarge(Object value, int frameBytes) {
    return new DdlException(describe(value) + " needs a frame of " + frameBytes + " bytes, above"
        + " transport.max_frame_bytes (" + config.maxFrameBytes() + "); send it in parts or raise the limit");
  }

  /**
   * The object a frame carries; a malformed payload raises a {@link ProtocolException}. The
   * payload is only read during the call, never kept.
   */
  public Object decode(Frame frame) {
    Buffer payload = frame.payload();
    int length = payload.length();
    ByteBuf buf = ((BufferInternal) payload).getByteBuf();
    Input input;
    if (buf.hasArray()) {
      byte[] array = buf.array();
      int offset = buf.arrayOffset() + buf.readerIndex();
      if (frame.compressed()) {
        array = Compression.decompress(array, offset, length, config.maxDecompressedBytes());
        offset = 0;
        length = array.length;
      }
      input = new CheckedInput(array, offset, length);
    } else if (frame.compressed()) {
      byte[] array = Compression.decompress(payload.getBytes(), 0, length, config.maxDecompressedBytes());
      input = new CheckedInput(array, 0, array.length);
    } else {
      input = new ByteBufInput(buf.duplicate());
    }
    Kryo kryo = obtain();
    try {
      Object value = kryo.readClassAndObject(input);
      long trailing = CheckedInput.remaining(input);
      if (trailing != 0) {
        throw new ProtocolException("payload has " + trailing + " trailing bytes");
      }
      return value;
    } catch (KryoException | IllegalArgumentException | IndexOutOfBoundsException | NegativeArraySizeException
        | ClassCastException | IllegalStateException | UnsupportedOperationException | NullPointerException e) {
      throw new ProtocolException("malformed payload: " + rootMessage(e), e);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // A container size or nesting depth that no real message has: refuse it, keep serving.
      throw new ProtocolException("malformed payload: it asks for " + (e instanceof OutOfMemoryError
          ? "more memory than this process has" : "deeper nesting than allowed"), e);
    } finally {
      free(kryo);
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return (m == null ? t.getClass().getSimpleName() : m.split("\n")[0]);
  }
}
