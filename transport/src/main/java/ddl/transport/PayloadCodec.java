package ddl.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.Pool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Objects to frames and back: Kryo from a pool, zstd where it pays, and the size limits. A codec is
 * bound to one class loader (a worker session's) and one class policy.
 */
public final class PayloadCodec {
  private static final int PREFIX = 4 + Frame.HEADER_BYTES;
  private final TransportConfig config;
  private final Pool<Kryo> pool;

  public PayloadCodec(TransportConfig config, ClassLoader loader, ClassPolicy policy) {
    this.config = config;
    this.pool = new Pool<>(true, false, 64) {
      @Override
      protected Kryo create() {
        return KryoFactory.create(loader, policy);
      }
    };
  }

  /** The whole frame (length prefix included) carrying {@code value}. */
  public Buffer encodeFrame(FrameKind kind, long requestId, Object value) {
    BulkOutput out = new BulkOutput(256, Integer.MAX_VALUE - 64);
    out.setPosition(PREFIX);
    Kryo kryo = pool.obtain();
    try {
      kryo.writeClassAndObject(out, value);
    } catch (KryoException e) {
      throw new DdlException("cannot serialize " + describe(value) + ": " + rootMessage(e), e);
    } finally {
      pool.free(kryo);
    }
    byte[] bytes = out.getBuffer();
    int length = out.position();
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
      throw new DdlException(describe(value) + " needs a frame of " + frameBytes + " bytes, above"
          + " transport.max_frame_bytes (" + config.maxFrameBytes() + "); send it in parts or raise the limit");
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

  /** The object a frame carries; a malformed payload raises a {@link ProtocolException}. */
  public Object decode(Frame frame) {
    Buffer payload = frame.payload();
    byte[] array;
    int offset;
    int length = payload.length();
    ByteBuf buf = ((BufferInternal) payload).getByteBuf();
    if (buf.hasArray()) {
      array = buf.array();
      offset = buf.arrayOffset() + buf.readerIndex();
    } else {
      array = payload.getBytes();
      offset = 0;
    }
    if (frame.compressed()) {
      array = Compression.decompress(array, offset, length, config.maxDecompressedBytes());
      offset = 0;
      length = array.length;
    }
    Input input = new CheckedInput(array, offset, length);
    Kryo kryo = pool.obtain();
    try {
      Object value = kryo.readClassAndObject(input);
      if (input.position() != offset + length) {
        throw new ProtocolException("payload has " + (offset + length - input.position()) + " trailing bytes");
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
      pool.free(kryo);
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
