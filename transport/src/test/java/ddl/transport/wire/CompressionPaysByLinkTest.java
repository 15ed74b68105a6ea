package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whether a large payload is compressed depends on what it saves on the link against what zstd
 * costs. The answers below are far past the break-even; a "no" cannot flip on a loaded machine
 * (a slower zstd only strengthens it), and a "yes" is asked a few times, since a thread paused in
 * the middle of its timed sample makes zstd look slow once.
 */
class CompressionPaysByLinkTest {
  private static final byte[] ZEROS = new byte[Compression.SAMPLE_BYTES];
  private static final byte[] NOISY_FLOATS = noisyFloats();
  private static final byte[] RANDOM = randomBytes();

  @Test
  void zerosCompressOnAGigabitLink() {
    assertTrue(paysOnceOf5(ZEROS, 1_000), "at 1 Gbit/s 64 KiB of zeros save 0.5 ms; zstd takes some 20 µs");
  }

  @Test
  void floatTensorsCompressOnASlowLinkOnly() {
    assertTrue(paysOnceOf5(NOISY_FLOATS, 1), "at 1 Mbit/s every byte saved is worth 8 µs");
    assertFalse(Compression.pays(NOISY_FLOATS, 1, 100_000), "at 100 Gbit/s a byte saved is worth 0.08 ns");
  }

  @Test
  void incompressibleBytesNeverCompress() {
    assertFalse(Compression.pays(RANDOM, 1, 1));
    assertTrue(Compression.compressIfWorthIt(RANDOM, 0, RANDOM.length, 1, 1) == null);
  }

  @Test
  void aLargePayloadThatPaysComesBackWhole() {
    byte[] payload = new byte[4 * Compression.SAMPLE_BYTES];
    byte[] packed = Compression.compressIfWorthIt(payload, 0, payload.length, 1, 1);
    assertTrue(packed != null && packed.length < payload.length / 10);
    assertTrue(java.util.Arrays.equals(payload, Compression.decompress(packed, 0, packed.length, 1 << 20)));
  }

  private static boolean paysOnceOf5(byte[] sample, int linkMbits) {
    for (int i = 0; i < 5; i++) {
      if (Compression.pays(sample, 1, linkMbits)) {
        return true;
      }
    }
    return false;
  }

  /** Float32 values of a narrow range: their sign and exponent bytes repeat, the mantissas do not. */
  private static byte[] noisyFloats() {
    SplittableRandom r = new SplittableRandom(7);
    ByteBuffer b = ByteBuffer.allocate(Compression.SAMPLE_BYTES);
    while (b.hasRemaining()) {
      b.putFloat((float) (0.01 * r.nextGaussian()));
    }
    return b.array();
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[Compression.SAMPLE_BYTES];
    new SplittableRandom(11).nextBytes(bytes);
    return bytes;
  }
}
