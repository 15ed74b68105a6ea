package ddl.transport.wire;

import ddl.transport.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Turns a byte stream, split or coalesced anyhow, into frames, without copying payloads. When a
 * frame's header has been read, the listener decides where its payload goes: to a {@link Sink} that
 * takes it piece by piece as it arrives (a streamed message), or whole to
 * {@link Listener#onFrame}. A length above the limit is refused before any of its bytes are held.
 */
public final class FrameDecoder {
  private static final int LENGTH_BYTES = 4;

  /** Receives the frames. */
  public interface Listener {
    /**
     * A frame's header was read: return a sink for its payload, or null to receive the frame whole
     * in {@link #onFrame} (frames are at most {@link Frame#MAX_FRAME} bytes).
     */
    Sink onHeader(FrameKind kind, byte flags, long requestId, int payloadBytes);

    /** A whole frame; its payload is valid during the call only ({@code retain()} it to keep it). */
    void onFrame(Frame frame);

    /** The first protocol violation; nothing is decoded after it. */
    void onError(ProtocolException e);
  }

  /** Takes one frame's payload as it arrives. */
  public interface Sink {
    /** The next bytes of the payload; the sink owns (and must release) {@code piece}. */
    void bytes(ByteBuf piece);

    /** The payload is complete. */
    void end();
  }

  private final Listener listener;
  private final ByteBuf header = Unpooled.buffer(Frame.PREFIX_BYTES, Frame.PREFIX_BYTES);
  private volatile int maxFrameBytes;
  private boolean failed;
  // The frame whose payload is arriving:
  private boolean inPayload;
  private FrameKind kind;
  private byte flags;
  private long requestId;
  private int missing;
  private Sink sink;
  private CompositeByteBuf whole;

  /** @param maxFrameBytes largest accepted frame (header and payload, not the length field) */
  public FrameDecoder(int maxFrameBytes, Listener listener) {
    this.maxFrameBytes = maxFrameBytes;
    this.listener = listener;
  }

  /** Changes the limit, e.g. from the small pre-authentication one to {@link Frame#MAX_FRAME}. */
  public void maxFrameBytes(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Takes the next bytes of the stream; the caller keeps ownership of {@code in}. */
  public void handle(ByteBuf in) {
    while (!failed && in.isReadable()) {
      if (inPayload) {
        payload(in);
      } else if (!readHeader(in)) {
        return;
      }
    }
  }

  /** Reads (or continues reading) a frame header; false if more bytes are needed. */
  private boolean readHeader(ByteBuf in) {
    ByteBuf source;
    if (header.readableBytes() == 0 && in.readableBytes() >= Frame.PREFIX_BYTES) {
      source = in;
    } else {
      header.writeBytes(in, Math.min(in.readableBytes(), Frame.PREFIX_BYTES - header.readableBytes()));
      if (header.readableBytes() < Frame.PREFIX_BYTES) {
        return false;
      }
      source = header;
    }
    int length = source.readInt();
    byte version = source.readByte();
    byte kindCode = source.readByte();
    flags = source.readByte();
    requestId = source.readLong();
    header.clear();
    if (length < Frame.HEADER_BYTES) {
      fail(new ProtocolException("frame length " + length + " is shorter than the header"));
      return false;
    }
    if (length > maxFrameBytes) {
      fail(new ProtocolException("frame of " + length + " bytes exceeds the limit of " + maxFrameBytes
          + (maxFrameBytes < Frame.MAX_FRAME ? " before authentication" : "")));
      return false;
    }
    if (version != Frame.VERSION) {
      fail(new ProtocolException("protocol version " + version + " is not supported (this side speaks "
          + Frame.VERSION + "); use the same DDL version on master and workers"));
      return false;
    }
    try {
      kind = FrameKind.of(kindCode);
    } catch (ProtocolException e) {
      fail(e);
      return false;
    }
    missing = length - Frame.HEADER_BYTES;
    sink = listener.onHeader(kind, flags, requestId, missing);
    if (failed) {
      return false;
    }
    inPayload = true;
    if (missing == 0) {
      finish(Unpooled.EMPTY_BUFFER);
    }
    return true;
  }

  private void payload(ByteBuf in) {
    int n = Math.min(missing, in.readableBytes());
    missing -= n;
    if (sink != null) {
      sink.bytes(in.readRetainedSlice(n));
      if (missing == 0) {
        finish(null);
      }
      return;
    }
    if (whole == null && missing == 0) {
      // The whole payload is in this read: hand it over without gathering.
      finish(in.readSlice(n));
      return;
    }
    if (whole == null) {
      whole = Unpooled.compositeBuffer(16);
    }
    whole.addComponent(true, in.readRetainedSlice(n));
    if (missing == 0) {
      CompositeByteBuf payload = whole;
      whole = null;
      try {
        finish(payload);
      } finally {
        payload.release();
      }
    }
  }

  private void finish(ByteBuf payload) {
    inPayload = false;
    Sink s = sink;
    sink = null;
    if (s != null) {
      s.end();
    } else {
      listener.onFrame(new Frame(kind, flags, requestId, payload));
    }
  }

  /** Releases what is held (the connection closed). */
  public void release() {
    if (whole != null) {
      whole.release();
      whole = null;
    }
  }

  private void fail(ProtocolException e) {
    failed = true;
    release();
    listener.onError(e);
  }
}
