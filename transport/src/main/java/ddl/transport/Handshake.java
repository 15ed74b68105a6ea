package ddl.transport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The challenge-response that opens every connection, in both directions, before any other frame:
 * <ol>
 *   <li>worker: {@code HELLO(nonceW)}</li>
 *   <li>master: {@code AUTH(nonceM, HMAC(secret, "master" | worker | nonceW | nonceM))}</li>
 *   <li>worker: {@code AUTH_OK(HMAC(secret, "worker" | worker | nonceM | nonceW))}</li>
 * </ol>
 * where {@code worker} is the worker's {@code host:port} as config.yml lists it. Fresh nonces on
 * both sides make a recorded handshake useless on another connection, and the address makes a
 * proof meant for one worker useless on another (a peer posing as worker A cannot relay B's
 * challenge to the master and reuse the answer on B).
 */
public final class Handshake {
  /** Bytes of each nonce. */
  public static final int NONCE_BYTES = 32;
  /** Bytes of each proof (HMAC-SHA256). */
  public static final int PROOF_BYTES = 32;
  /** The largest frame accepted before the peer has authenticated. */
  public static final int PRE_AUTH_MAX_FRAME = Frame.HEADER_BYTES + NONCE_BYTES + PROOF_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Handshake() {}

  public static byte[] nonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** HMAC-SHA256 of {@code role | worker | first | second} under the shared secret. */
  public static byte[] proof(String secret, String role, String worker, byte[] first, byte[] second) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(role.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 0);
      mac.update(worker.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
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
}
