package ddl.transport.wire;

import ddl.transport.ProtocolException;

/** What a frame carries; the byte code is what goes on the wire. */
public enum FrameKind {
  /** Listener to dialer, first frame: a fresh nonce and the listener's wire contract. */
  HELLO(1),
  /** Dialer to listener: its role, nonce, proof of the secret and wire contract. */
  AUTH(2),
  /** Listener to dialer: its proof of the secret; the connection is open for requests. */
  AUTH_OK(3),
  /** A call; its request id pairs it with the reply. */
  REQUEST(4),
  /** A successful reply. */
  RESPONSE(5),
  /** A failed reply: the payload is a {@link Messages.RemoteError}. */
  ERROR(6),
  /** Sent by both ends while idle; any bytes received count as a sign of life. */
  HEARTBEAT(7),
  /** The caller gave up on the call with this id; the callee interrupts it. */
  CANCEL(8),
  /** Before authentication: why the listener refuses this connection (UTF-8 text); it then closes. */
  REFUSED(9);

  private static final FrameKind[] BY_CODE = new FrameKind[16];

  static {
    for (FrameKind kind : values()) {
      BY_CODE[kind.code] = kind;
    }
  }

  private final byte code;

  FrameKind(int code) {
    this.code = (byte) code;
  }

  public byte code() {
    return code;
  }

  /** Whether frames of this kind carry a serialized object. */
  public boolean carriesObject() {
    return this == REQUEST || this == RESPONSE || this == ERROR;
  }

  /** The kind with this code, or an error naming the code. */
  public static FrameKind of(byte code) {
    FrameKind kind = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (kind == null) {
      throw new ProtocolException("unknown frame kind " + code);
    }
    return kind;
  }
}
