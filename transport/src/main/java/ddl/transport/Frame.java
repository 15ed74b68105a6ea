package ddl.transport;

import io.vertx.core.buffer.Buffer;

/**
 * One unit on the wire: {@code int length | byte version | byte kind | byte flags | long requestId |
 * payload}. The length counts every byte after itself.
 */
public record Frame(FrameKind kind, byte flags, long requestId, Buffer payload) {

  /** Protocol version written in every frame; a peer speaking another one is refused. */
  public static final byte VERSION = 1;
  /** Bytes after the length field and before the payload. */
  public static final int HEADER_BYTES = 1 + 1 + 1 + 8;
  /** Flag: the payload is zstd-compressed. */
  public static final byte FLAG_COMPRESSED = 1;

  public boolean compressed() {
    return (flags & FLAG_COMPRESSED) != 0;
  }

  /** The frame's bytes, length prefix included. */
  public Buffer encode() {
    int payloadBytes = payload == null ? 0 : payload.length();
    Buffer out = Buffer.buffer(4 + HEADER_BYTES + payloadBytes);
    out.appendInt(HEADER_BYTES + payloadBytes)
        .appendByte(VERSION)
        .appendByte(kind.code())
        .appendByte(flags)
        .appendLong(requestId);
    if (payloadBytes > 0) {
      out.appendBuffer(payload);
    }
    return out;
  }

  /** A frame with no flags. */
  public static Frame of(FrameKind kind, long requestId, Buffer payload) {
    return new Frame(kind, (byte) 0, requestId, payload);
  }
}
