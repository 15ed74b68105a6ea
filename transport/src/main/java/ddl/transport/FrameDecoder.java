package ddl.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a byte stream, split or coalesced anyhow, into frames. A length above the limit is
 * rejected before any of its bytes are buffered, and a frame's bytes are held only as they
 * arrive, so a length that lies costs no memory it did not send.
 *
 * <p>A payload of {@value #LENT_PAYLOAD_BYTES} bytes or more is lent to the frame handler: it is
 * valid until the handler returns and must be read (or copied) by then. Smaller payloads are
 * copied into an array the frame owns. The bytes of a large frame that spans several reads are
 * gathered in pooled chunks rather than in one array as large as the frame.
 */
public final class FrameDecoder implements Handler<Buffer> {
  private static final int LENGTH_BYTES = 4;
  /** Payloads at least this big are lent to the handler rather than copied. */
  static final int LENT_PAYLOAD_BYTES = 64 * 1024;
  /** Incomplete frames at least this big are gathered in pooled chunks. */
  static final int GATHERED_FRAME_BYTES = 256 * 1024;

  private final Handler<Frame> frames;
  private final Handler<ProtocolException> errors;
  private volatile int maxFrameBytes;
  private CompositeByteBuf pending = Unpooled.compositeBuffer(Integer.MAX_VALUE);
  /** Chunks of the large frame being gathered, or null. */
  private List<ByteBuf> gathered;
  private ByteBuf chunk;
  /** Bytes the frame being gathered still lacks. */
  private int missing;
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
    if (gathered != null) {
      gather(in);
      if (gathered != null || failed || !in.isReadable()) {
        return;
      }
    }
    if (pending.readableBytes() == 0) {
      // Fast path: decode whole frames straight from the chunk, keep only a partial tail.
      ByteBuf rest = decodeFrom(in);
      if (rest != null && rest.isReadable()) {
        if (startsLargeFrame(rest)) {
          startGathering(rest);
        } else {
          pending.addComponent(true, rest.retainedSlice());
        }
      }
    } else {
      pending.addComponent(true, in.retainedSlice());
      ByteBuf rest = decodeFrom(pending);
      if (rest == null || !rest.isReadable()) {
        resetPending();
      } else if (startsLargeFrame(rest)) {
        CompositeByteBuf partial = pending;
        pending = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        try {
          startGathering(partial);
        } finally {
          partial.release();
        }
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
      boolean lent = payloadBytes >= LENT_PAYLOAD_BYTES;
      ByteBuf payload = payloadBytes == 0 ? Unpooled.EMPTY_BUFFER
          : lent ? in.readRetainedSlice(payloadBytes) : copy(in, payloadBytes);
      try {
        frames.handle(new Frame(kind, flags, requestId, BufferInternal.buffer(payload)));
      } finally {
        if (lent) {
          payload.release();
        }
      }
      if (failed) {
        return null;
      }
    }
    return in;
  }

  /** Whether {@code rest} starts a frame (its length already checked) worth gathering in chunks. */
  private static boolean startsLargeFrame(ByteBuf rest) {
    return rest.readableBytes() >= LENGTH_BYTES && rest.getInt(rest.readerIndex()) >= GATHERED_FRAME_BYTES;
  }

  private void startGathering(ByteBuf rest) {
    gathered = new ArrayList<>();
    chunk = null;
    missing = LENGTH_BYTES + rest.getInt(rest.readerIndex());
    gather(rest);
  }

  /** Moves the gathered frame's next bytes from {@code in} to chunks; decodes the frame once whole. */
  private void gather(ByteBuf in) {
    while (missing > 0 && in.isReadable()) {
      if (chunk == null || !chunk.isWritable()) {
        chunk = ChunkPool.take();
        gathered.add(chunk);
      }
      int n = Math.min(missing, Math.min(in.readableBytes(), chunk.writableBytes()));
      chunk.writeBytes(in, n);
      missing -= n;
    }
    if (missing > 0) {
      return;
    }
    CompositeByteBuf frame = Unpooled.compositeBuffer(Math.max(2, gathered.size()));
    frame.addComponents(true, gathered);
    gathered = null;
    chunk = null;
    try {
      decodeFrom(frame);
    } finally {
      frame.release();
    }
  }

  /** The payload as one heap array, so the codec can read it without another copy. */
  private static ByteBuf copy(ByteBuf in, int bytes) {
    byte[] array = new byte[bytes];
    in.readBytes(array);
    return Unpooled.wrappedBuffer(array);
  }

  private void resetPending() {
    pending.release();
    pending = Unpooled.compositeBuffer(Integer.MAX_VALUE);
  }

  private void fail(ProtocolException e) {
    failed = true;
    resetPending();
    if (gathered != null) {
      gathered.forEach(ByteBuf::release);
      gathered = null;
      chunk = null;
    }
    errors.handle(e);
  }
}
