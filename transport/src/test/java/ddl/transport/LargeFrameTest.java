package ddl.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Frames far larger than a socket read, cut into random pieces, decode to exactly what was sent. */
class LargeFrameTest {
  private final PayloadCodec codec = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(),
      ClassPolicy.REGISTERED_ONLY);

  private List<Object> sendInPieces(long seed, Object... values) {
    Buffer stream = Buffer.buffer();
    for (int i = 0; i < values.length; i++) {
      stream.appendBuffer(codec.encodeFrame(FrameKind.REQUEST, i, values[i]));
    }
    List<Object> decoded = new ArrayList<>();
    FrameDecoder decoder = new FrameDecoder(1 << 30, f -> decoded.add(codec.decode(f)), e -> {
      throw e;
    });
    Random random = new Random(seed);
    for (int at = 0; at < stream.length(); ) {
      int piece = 1 + random.nextInt(random.nextBoolean() ? 7 : 300_000);
      int end = Math.min(stream.length(), at + piece);
      decoder.handle(stream.getBuffer(at, end));
      at = end;
    }
    return decoded;
  }

  @Test
  void largeArraysOfEveryKindSurviveRandomSplits() {
    Random random = new Random(5);
    float[] floats = new float[1_500_001];
    double[] doubles = new double[300_007];
    int[] ints = new int[400_003];
    long[] longs = new long[200_001];
    byte[] bytes = new byte[900_001];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < doubles.length; i++) {
      doubles[i] = random.nextGaussian();
    }
    for (int i = 0; i < ints.length; i++) {
      ints[i] = random.nextInt();
    }
    for (int i = 0; i < longs.length; i++) {
      longs[i] = random.nextLong();
    }
    random.nextBytes(bytes);
    for (long seed = 0; seed < 4; seed++) {
      List<Object> back = sendInPieces(seed, floats, doubles, ints, longs, bytes, new Messages.Ping(seed));
      assertArrayEquals(floats, (float[]) back.get(0));
      assertArrayEquals(doubles, (double[]) back.get(1));
      assertArrayEquals(ints, (int[]) back.get(2));
      assertArrayEquals(longs, (long[]) back.get(3));
      assertArrayEquals(bytes, (byte[]) back.get(4));
      assertEquals(new Messages.Ping(seed), back.get(5));
    }
  }

  @Test
  void largeMessagesOfObjectsAndStringsSurvive() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      names.add("class.Name" + i);
    }
    float[][] model = new float[3][];
    model[0] = new float[200_000];
    model[1] = new float[10];
    model[2] = new float[70_000];
    model[2][69_999] = 3f;
    String text = "x".repeat(300_000);
    List<Object> back = sendInPieces(9, new Messages.HasClasses(names), model, text);
    assertEquals(new Messages.HasClasses(names), back.get(0));
    assertEquals(3f, ((float[][]) back.get(1))[2][69_999]);
    assertEquals(text, back.get(2));
  }

  @Test
  void longAndNonAsciiStringsWhoseHeadersStraddleBufferRefillsSurvive() {
    // Many layouts, so that some string's length header starts in the last bytes of the
    // decoder's 8 KiB read buffer and continues after a refill.
    for (long seed = 0; seed < 12; seed++) {
      Random random = new Random(seed);
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        int length = 64 + random.nextInt(90);
        StringBuilder b = new StringBuilder(length);
        for (int c = 0; c < length; c++) {
          b.append(random.nextInt(10) == 0 ? 'é' : (char) ('a' + random.nextInt(26)));
        }
        texts.add(b.toString());
      }
      assertEquals(texts, sendInPieces(seed, new ArrayList<>(texts)).get(0));
    }
  }

  @Test
  void largeFrameWithALyingArrayLengthIsRefused() {
    float[] noise = new float[100_000];
    Random random = new Random(2);
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) random.nextGaussian();
    }
    Buffer frame = codec.encodeFrame(FrameKind.REQUEST, 1, noise);
    byte[] bytes = frame.getBytes();
    int lengthAt = 4 + Frame.HEADER_BYTES + 1; // after the class id
    Buffer lying = Buffer.buffer().appendBytes(bytes, 0, lengthAt)
        .appendBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07})
        .appendBytes(bytes, lengthAt + 3, bytes.length - lengthAt - 3);
    lying.setInt(0, lying.length() - 4);
    List<ProtocolException> errors = new ArrayList<>();
    FrameDecoder decoder = new FrameDecoder(1 << 30, f -> {
      try {
        codec.decode(f);
      } catch (ProtocolException e) {
        errors.add(e);
      }
    }, e -> {
      throw e;
    });
    decoder.handle(lying.getBuffer(0, 70_000));
    decoder.handle(lying.getBuffer(70_000, lying.length()));
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).getMessage().contains("remain"), errors.get(0).getMessage());
  }
}
