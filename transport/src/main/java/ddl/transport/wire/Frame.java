package ddl.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * One unit on the wire: {@code int length | byte version | byte kind | byte flags | long requestId |
 * payload}. The length counts every byte after itself. A message larger than one frame travels as
 * a stream of frames with {@link #FLAG_MORE} set on all but the last; other frames may come in
 * between (see {@link StreamInput}).
 */
public record Frame(FrameKind kind, byte flags, long requestId, ByteBuf payload) {

  /** Protocol version written in every frame; a peer speaking another one is refused. */
  public static final byte VERSION = 2;
  /** Bytes after the length field and before the payload. */
  public static final int HEADER_BYTES = 1 + 1 + 1 + 8;
  /** Bytes of the length field and the header together. */
  public static final int PREFIX_BYTES = 4 + HEADER_BYTES;
  /** Flag: the payload is zstd-compressed ({@code int originalLength | zstd frame}). */
  public static final byte FLAG_COMPRESSED = 1;
  /** Flag: more frames of the same message follow. */
  public static final byte FLAG_MORE = 2;
  /** Largest payload of one frame after authentication; larger messages are streamed. */
  public static final int MAX_PAYLOAD = 1 << 20;
  /** Largest frame (header and payload, not the length field) after authentication. */
  public static final int MAX_FRAME = HEADER_BYTES + MAX_PAYLOAD + 16;

  public boolean compressed() {
    return (flags & FLAG_COMPRESSED) != 0;
  }

  public boolean more() {
    return (flags & FLAG_MORE) != 0;
  }

  /** The payload as a Vert.x buffer (a view, not a copy). */
  public Buffer buffer() {
    return BufferInternal.buffer(payload);
  }

  /** The frame's bytes, length prefix included (for small frames: the payload is copied). */
  public Buffer encode() {
    int payloadBytes = payload == null ? 0 : payload.readableBytes();
    Buffer out = Buffer.buffer(PREFIX_BYTES + payloadBytes);
    out.appendInt(HEADER_BYTES + payloadBytes)
        .appendByte(VERSION)
        .appendByte(kind.code())
        .appendByte(flags)
        .appendLong(requestId);
    if (payloadBytes > 0) {
      out.appendBuffer(BufferInternal.buffer(payload.duplicate()));
    }
    return out;
  }

  /** A frame with no flags. */
  public static Frame of(FrameKind kind, long requestId, byte[] payload) {
    return new Frame(kind, (byte) 0, requestId, payload == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(payload));
  }

  /** Writes the prefix of a frame with {@code payloadBytes} bytes of payload at {@code at} in {@code out}. */
  static void writePrefix(ByteBuf out, int at, FrameKind kind, byte flags, long requestId, int payloadBytes) {
    out.setInt(at, HEADER_BYTES + payloadBytes);
    out.setByte(at + 4, VERSION);
    out.setByte(at + 5, kind.code());
    out.setByte(at + 6, flags);
    out.setLong(at + 7, requestId);
  }
}
