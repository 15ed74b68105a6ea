package ddl.transport.wire;

import ddl.transport.AuthenticationException;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The challenge-response that opens every connection, before any other frame:
 * <ol>
 *   <li>listener: {@code HELLO(nonceL, contract)}</li>
 *   <li>dialer: {@code AUTH(role, nonceD, HMAC(secret, role+session | listener | contract | nonceL | nonceD), contract,
 *       session)}</li>
 *   <li>listener: {@code AUTH_OK(HMAC(secret, "worker" | listener | contract | nonceD | nonceL))}</li>
 * </ol>
 * where {@code listener} is the worker's {@code host:port} as config.yml lists it, {@code role} is
 * {@link Role#MASTER} or {@link Role#PEER} (another worker), and {@code contract} is the
 * {@link WireContract} fingerprint with the DDL version. Fresh nonces on both sides make a recorded
 * handshake useless on another connection; the address makes a proof meant for one worker useless
 * on another; a contract mismatch is reported with both versions before any payload is decoded.
 * {@code session} is the name of a session the master asks to keep across connections (empty for
 * one that ends with the connection); it is part of the proof, so nobody can splice another name in.
 * A listener that refuses says why in a {@code REFUSED} frame, then closes.
 */
public final class Handshake {
  /** Bytes of each nonce. */
  public static final int NONCE_BYTES = 32;
  /** Bytes of each proof (HMAC-SHA256). */
  public static final int PROOF_BYTES = 32;
  private static final int FINGERPRINT_BYTES = 8;
  private static final int MAX_VERSION_BYTES = 40;
  /** Longest session name. */
  public static final int MAX_SESSION_NAME = 64;
  private static final java.util.regex.Pattern SESSION_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,"
      + MAX_SESSION_NAME + "}");
  /** Largest payload before authentication (a REFUSED reason is cut to fit). */
  public static final int MAX_PAYLOAD = 256;
  /** The largest frame accepted before the peer has authenticated. */
  public static final int PRE_AUTH_MAX_FRAME = Frame.HEADER_BYTES + MAX_PAYLOAD;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Who dials. */
  public enum Role {
    /** A master: runs code on the worker. */
    MASTER(1, "master"),
    /** Another worker of the cluster: delivers to mailboxes (collectives). */
    PEER(2, "peer");

    final byte code;
    final String label;

    Role(int code, String label) {
      this.code = (byte) code;
      this.label = label;
    }

    static Role of(byte code) {
      for (Role r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      return null;
    }
  }

  /** The listener refuses the connection for {@code reason} (sent to the dialer, then closed). */
  public static final class Refusal extends RuntimeException {
    public Refusal(String reason) {
      super(reason, null, false, false);
    }
  }

  private Handshake() {}

  public static byte[] nonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** HMAC-SHA256 of {@code role | listener | contract | first | second} under the shared secret. */
  public static byte[] proof(String secret, String role, String listener, byte[] first, byte[] second) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(role.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 0);
      mac.update(listener.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(fingerprintBytes());
      mac.update(first);
      mac.update(second);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** Constant-time comparison. */
  public static boolean matches(byte[] expected, byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] fingerprintBytes() {
    return HexFormat.of().parseHex(WireContract.fingerprint());
  }

  private static void writeContract(ByteBuf out) {
    out.writeBytes(fingerprintBytes());
    byte[] version = WireContract.version().getBytes(StandardCharsets.UTF_8);
    int n = Math.min(version.length, MAX_VERSION_BYTES);
    out.writeByte(n);
    out.writeBytes(version, 0, n);
  }

  /**
   * Checks a session name: 1 to {@value #MAX_SESSION_NAME} letters, digits, dots, dashes or
   * underscores. Returns it.
   */
  public static String checkSessionName(String name) {
    if (name == null || !SESSION_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a session name has 1 to " + MAX_SESSION_NAME
          + " letters, digits, '.', '-' or '_'; '" + name + "' does not");
    }
    return name;
  }

  private static String proofRole(Role role, String session) {
    return session == null ? role.label : role.label + "/session=" + session;
  }

  /** The peer's contract, or null if the bytes are malformed; {@code exact}: nothing may follow it. */
  private static String[] readContract(ByteBuf in, boolean exact) {
    if (in.readableBytes() < FINGERPRINT_BYTES + 1) {
      return null;
    }
    byte[] fp = new byte[FINGERPRINT_BYTES];
    in.readBytes(fp);
    int n = in.readUnsignedByte();
    if (n > MAX_VERSION_BYTES || in.readableBytes() < n || (exact && in.readableBytes() != n)) {
      return null;
    }
    byte[] version = new byte[n];
    in.readBytes(version);
    return new String[] {HexFormat.of().formatHex(fp), new String(version, StandardCharsets.UTF_8)};
  }

  private static String mismatch(String who, String[] theirs) {
    return who + " runs DDL " + theirs[1] + " (wire contract " + theirs[0] + ") and this side DDL "
        + WireContract.version() + " (wire contract " + WireContract.fingerprint()
        + "); they cannot talk: run the same DDL build on master and workers";
  }

  /** The dialing side's steps. */
  public static final class Dialer {
    private final String secret;
    private final String listener;
    private final Role role;
    private final String session;
    private final byte[] nonce = nonce();
    private byte[] listenerNonce;

    public Dialer(String secret, String listener, Role role) {
      this(secret, listener, role, null);
    }

    /** A dialer that asks for the named session {@code session} (null: a session for this connection only). */
    public Dialer(String secret, String listener, Role role, String session) {
      this.secret = secret;
      this.listener = listener;
      this.role = role;
      this.session = session == null ? null : checkSessionName(session);
    }

    /** The answer to the listener's HELLO: an AUTH payload. */
    public ByteBuf onHello(ByteBuf hello) {
      if (listenerNonce != null || hello.readableBytes() < NONCE_BYTES) {
        throw new AuthenticationException("worker " + listener + " sent a malformed greeting; is it a DDL worker?");
      }
      listenerNonce = new byte[NONCE_BYTES];
      hello.readBytes(listenerNonce);
      String[] contract = readContract(hello, true);
      if (contract == null) {
        throw new AuthenticationException("worker " + listener + " sent a malformed greeting; is it a DDL worker"
            + " of the same version (this side runs " + WireContract.version() + ")?");
      }
      if (!contract[0].equals(WireContract.fingerprint())) {
        throw new AuthenticationException(mismatch("worker " + listener, contract));
      }
      ByteBuf auth = io.netty.buffer.Unpooled.buffer(MAX_PAYLOAD);
      auth.writeByte(role.code);
      auth.writeBytes(nonce);
      auth.writeBytes(proof(secret, proofRole(role, session), listener, listenerNonce, nonce));
      writeContract(auth);
      byte[] name = session == null ? new byte[0] : session.getBytes(StandardCharsets.US_ASCII);
      auth.writeByte(name.length);
      auth.writeBytes(name);
      return auth;
    }

    /** Checks the listener's proof. */
    public void onAuthOk(ByteBuf ok) {
      byte[] proof = new byte[PROOF_BYTES];
      if (listenerNonce == null || ok.readableBytes() != PROOF_BYTES) {
        throw new AuthenticationException("worker " + listener + " broke the handshake; is it a DDL worker?");
      }
      ok.readBytes(proof);
      if (!matches(proof(secret, "worker", listener, nonce, listenerNonce), proof)) {
        throw new AuthenticationException("worker " + listener + " does not know the shared secret; use the same"
            + " secret everywhere (config.yml key 'secret', or DDL_SECRET)");
      }
    }
  }

  /** The listening (worker) side's steps. */
  public static final class Listener {
    private final String secret;
    private final String self;
    private final byte[] nonce = nonce();

    public Listener(String secret, String self) {
      this.secret = secret;
      this.self = self;
    }

    /** The first frame's payload. */
    public ByteBuf hello() {
      ByteBuf hello = io.netty.buffer.Unpooled.buffer(MAX_PAYLOAD);
      hello.writeBytes(nonce);
      writeContract(hello);
      return hello;
    }

    /** What an accepted AUTH gives: the dialer's role, the session it asks for (or null) and the AUTH_OK payload. */
    public record Accepted(Role role, String session, ByteBuf answer) {}

    /** Checks the dialer's AUTH; a {@link Refusal} says why it is refused. */
    public Accepted onAuth(ByteBuf auth) {
      if (auth.readableBytes() < 1 + NONCE_BYTES + PROOF_BYTES) {
        throw new Refusal("malformed handshake");
      }
      Role role = Role.of(auth.readByte());
      byte[] dialerNonce = new byte[NONCE_BYTES];
      auth.readBytes(dialerNonce);
      byte[] proof = new byte[PROOF_BYTES];
      auth.readBytes(proof);
      String[] contract = readContract(auth, false);
      if (role == null || contract == null) {
        throw new Refusal("malformed handshake");
      }
      if (!contract[0].equals(WireContract.fingerprint())) {
        throw new Refusal(mismatch("the master", contract).replace("this side", "worker " + self));
      }
      String session = readSession(auth);
      if (!matches(proof(secret, proofRole(role, session), self, nonce, dialerNonce), proof)) {
        throw new Refusal("wrong secret: worker " + self + " was started with another one; use the same secret"
            + " everywhere (config.yml key 'secret', or DDL_SECRET)");
      }
      ByteBuf answer = io.netty.buffer.Unpooled.wrappedBuffer(proof(secret, "worker", self, dialerNonce, nonce));
      return new Accepted(role, session, answer);
    }

    private static String readSession(ByteBuf auth) {
      if (auth.readableBytes() < 1) {
        throw new Refusal("malformed handshake");
      }
      int n = auth.readUnsignedByte();
      if (n > MAX_SESSION_NAME || auth.readableBytes() != n) {
        throw new Refusal("malformed handshake");
      }
      if (n == 0) {
        return null;
      }
      String name = auth.readCharSequence(n, StandardCharsets.US_ASCII).toString();
      if (!SESSION_NAME.matcher(name).matches()) {
        throw new Refusal("malformed session name");
      }
      return name;
    }
  }

  /** How a REFUSED reason starts when the worker is too busy to authenticate anyone (not a wrong secret). */
  public static final String BUSY = "busy: ";

  /** A REFUSED frame's payload: the reason, cut to fit before authentication. */
  public static byte[] refusal(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    return bytes.length <= MAX_PAYLOAD ? bytes : java.util.Arrays.copyOf(bytes, MAX_PAYLOAD);
  }
}
