package ddl.transport;

/** What a frame carries; the byte code is what goes on the wire. */
public enum FrameKind {
  /** Worker to master, first frame: a fresh nonce. */
  HELLO(1),
  /** Master to worker: the master's nonce and its proof of the secret. */
  AUTH(2),
  /** Worker to master: the worker's proof of the secret; the connection is open for requests. */
  AUTH_OK(3),
  /** A call; its request id pairs it with the reply. */
  REQUEST(4),
  /** A successful reply. */
  RESPONSE(5),
  /** A failed reply: the payload is a {@link Messages.RemoteError}. */
  ERROR(6),
  /** Keeps an idle connection alive and proves the peer is there; the peer echoes it. */
  HEARTBEAT(7),
  /** Master to worker: the call with this id passed its deadline; the worker interrupts it. */
  CANCEL(8);

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

  /** The kind with this code, or an error naming the code. */
  public static FrameKind of(byte code) {
    FrameKind kind = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (kind == null) {
      throw new ProtocolException("unknown frame kind " + code);
    }
    return kind;
  }
}
