package ddl.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Turns a byte stream, split or coalesced anyhow, into frames. A length above the limit is
 * rejected before any of its bytes are buffered, and a frame's bytes are held only as they
 * arrive, so a length that lies costs no memory it did not send.
 */
public final class FrameDecoder implements Handler<Buffer> {
  private static final int LENGTH_BYTES = 4;

  private final Handler<Frame> frames;
  private final Handler<ProtocolException> errors;
  private volatile int maxFrameBytes;
  private CompositeByteBuf pending = Unpooled.compositeBuffer(Integer.MAX_VALUE);
  private boolean failed;

  /**
   * @param maxFrameBytes largest accepted frame (header and payload, not the length field)
   * @param frames receives each complete frame, in order
   * @param errors receives the first protocol violation; nothing is decoded after it
   */
  public FrameDecoder(int maxFrameBytes, Handler<Frame> frames, Handler<ProtocolException> errors) {
    this.maxFrameBytes = maxFrameBytes;
    this.frames = frames;
    this.errors = errors;
  }

  /** Changes the limit, e.g. from the small pre-authentication one to the configured one. */
  public void maxFrameBytes(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void handle(Buffer chunk) {
    handle(((BufferInternal) chunk).getByteBuf());
  }

  /** Takes the next bytes of the stream; the caller keeps ownership of {@code in} (it is not released). */
  public void handle(ByteBuf in) {
    if (failed) {
      return;
    }
    if (pending.readableBytes() == 0) {
      // Fast path: decode whole frames straight from the chunk, keep only a partial tail.
      in = decodeFrom(in);
      if (in != null && in.isReadable()) {
        pending.addComponent(true, in.retainedSlice());
      }
    } else {
      pending.addComponent(true, in.retainedSlice());
      ByteBuf rest = decodeFrom(pending);
      if (rest == null || !rest.isReadable()) {
        pending.release();
        pending = Unpooled.compositeBuffer(Integer.MAX_VALUE);
      } else {
        pending.discardReadComponents();
      }
    }
  }

  /** Decodes every complete frame at the front of {@code in}; null after a failure. */
  private ByteBuf decodeFrom(ByteBuf in) {
    while (in.readableBytes() >= LENGTH_BYTES) {
      int length = in.getInt(in.readerIndex());
      if (length < Frame.HEADER_BYTES) {
        fail(new ProtocolException("frame length " + length + " is shorter than the header"));
        return null;
      }
      if (length > maxFrameBytes) {
        fail(new ProtocolException("frame of " + length + " bytes exceeds the limit of " + maxFrameBytes
            + (maxFrameBytes == Handshake.PRE_AUTH_MAX_FRAME ? " before authentication" : " (transport.max_frame_bytes)")));
        return null;
      }
      if (in.readableBytes() < LENGTH_BYTES + length) {
        return in;
      }
      in.skipBytes(LENGTH_BYTES);
      byte version = in.readByte();
      if (version != Frame.VERSION) {
        fail(new ProtocolException("protocol version " + version + " is not supported (this side speaks "
            + Frame.VERSION + ")"));
        return null;
      }
      FrameKind kind;
      try {
        kind = FrameKind.of(in.readByte());
      } catch (ProtocolException e) {
        fail(e);
        return null;
      }
      byte flags = in.readByte();
      long requestId = in.readLong();
      int payloadBytes = length - Frame.HEADER_BYTES;
      ByteBuf payload = payloadBytes == 0 ? Unpooled.EMPTY_BUFFER : copy(in, payloadBytes);
      frames.handle(new Frame(kind, flags, requestId, BufferInternal.buffer(payload)));
      if (failed) {
        return null;
      }
    }
    return in;
  }

  /** The payload as one heap array, so the codec can read it without another copy. */
  private static ByteBuf copy(ByteBuf in, int bytes) {
    byte[] array = new byte[bytes];
    in.readBytes(array);
    return Unpooled.wrappedBuffer(array);
  }

  private void fail(ProtocolException e) {
    failed = true;
    pending.release();
    pending = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    errors.handle(e);
  }
}
