package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.ArrayLender;
import ddl.transport.TransportConfig;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Messages far larger than a frame go out as streams of frames and come back exactly, whatever
 * pieces the socket cuts them into, interleaved with other messages, into lent arrays.
 */
class MessageStreamTest {
  private final TransportConfig config = TransportConfig.defaults();
  private final PayloadCodec codec = new PayloadCodec(config, getClass().getClassLoader(), ClassPolicy.REGISTERED_ONLY);

  private static float[] gaussian(int n, long seed) {
    Random random = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextGaussian();
    }
    return a;
  }

  private List<Object> roundTrip(long seed, Object... values) throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < values.length; i++) {
      bytes.writeBytes(WireHarness.encode(codec, FrameKind.REQUEST, i, values[i]));
    }
    WireHarness.Reader reader = new WireHarness.Reader(codec, config);
    reader.feed(bytes.toByteArray(), seed);
    List<Object> back = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      back.add(reader.await(i));
    }
    assertEquals(List.of(), reader.violations);
    assertEquals(0, reader.pauses, "every pause of the socket was undone");
    return back;
  }

  private static int indexOf(byte[] in, byte[] what, int from) {
    for (int i = from; i <= in.length - what.length; i++) {
      if (java.util.Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void largeArraysOfEveryKindAreStreamedAndSurviveRandomSplits() throws Exception {
    Random random = new Random(5);
    float[] floats = gaussian(1_500_001, 1);
    double[] doubles = new double[300_007];
    int[] ints = new int[400_003];
    long[] longs = new long[200_001];
    byte[] bytes = new byte[2_900_001];
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
    assertTrue(WireHarness.frameCount(codec, floats) > 5, "a 6 MB array is a stream of frames");
    for (long seed = 0; seed < 3; seed++) {
      List<Object> back = roundTrip(seed, floats, doubles, ints, longs, bytes, new Messages.Ping(seed));
      assertArrayEquals(floats, (float[]) back.get(0));
      assertArrayEquals(doubles, (double[]) back.get(1));
      assertArrayEquals(ints, (int[]) back.get(2));
      assertArrayEquals(longs, (long[]) back.get(3));
      assertArrayEquals(bytes, (byte[]) back.get(4));
      assertEquals(new Messages.Ping(seed), back.get(5));
    }
  }

  @Test
  void largeMessagesOfObjectsAndStringsSurvive() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 150_000; i++) {
      names.add("class.Name" + i);
    }
    float[][] model = {new float[400_000], new float[10], new float[270_000]};
    model[2][269_999] = 3f;
    String text = "x".repeat(3_000_000);
    List<Object> back = roundTrip(9, new Messages.HasClasses(names), model, text);
    assertEquals(new Messages.HasClasses(names), back.get(0));
    assertEquals(3f, ((float[][]) back.get(1))[2][269_999]);
    assertEquals(text, back.get(2));
  }

  @Test
  void longAndNonAsciiStringsWhoseHeadersStraddleBufferRefillsSurvive() throws Exception {
    for (long seed = 0; seed < 6; seed++) {
      Random random = new Random(seed);
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        int length = 64 + random.nextInt(90);
        StringBuilder b = new StringBuilder(length);
        for (int c = 0; c < length; c++) {
          b.append(random.nextInt(10) == 0 ? 'é' : (char) ('a' + random.nextInt(26)));
        }
        texts.add(b.toString());
      }
      assertEquals(texts, roundTrip(seed, new ArrayList<>(texts)).get(0));
    }
  }

  @Test
  void framesOfTwoStreamsAndSmallMessagesInterleaved() throws Exception {
    float[] a = gaussian(700_000, 2);
    float[] b = gaussian(900_000, 3);
    List<byte[]> framesA = WireHarnessFrames.split(WireHarness.encode(codec, FrameKind.REQUEST, 1, a));
    List<byte[]> framesB = WireHarnessFrames.split(WireHarness.encode(codec, FrameKind.RESPONSE, 1, b));
    ByteArrayOutputStream mixed = new ByteArrayOutputStream();
    int small = 100;
    for (int i = 0; i < Math.max(framesA.size(), framesB.size()); i++) {
      if (i < framesA.size()) {
        mixed.writeBytes(framesA.get(i));
      }
      mixed.writeBytes(WireHarness.encode(codec, FrameKind.REQUEST, small++, new Messages.Ping(i)));
      if (i < framesB.size()) {
        mixed.writeBytes(framesB.get(i));
      }
    }
    WireHarness.Reader reader = new WireHarness.Reader(codec, config);
    reader.feed(mixed.toByteArray(), 4);
    assertEquals(List.of(), reader.violations);
    // Request 1 and reply 1 are distinct messages with the same id: the last one read wins here.
    Object last = reader.await(1);
    assertTrue(last instanceof float[], "got " + last);
    for (int id = 100; id < small; id++) {
      assertEquals(new Messages.Ping(id - 100), reader.await(id));
    }
  }

  @Test
  void aReplyFillsTheArraysItsCallLent() throws Exception {
    float[][] gradient = {gaussian(300_000, 5), gaussian(64, 6), gaussian(40_000, 7)};
    float[][] lent = {new float[300_000], new float[64], new float[40_000]};
    WireHarness.Reader reader = new WireHarness.Reader(codec, config);
    reader.lenders.put(8L, ArrayLender.of((Object) lent));
    reader.feed(WireHarness.encode(codec, FrameKind.RESPONSE, 8, gradient), 1);
    float[][] back = (float[][]) reader.await(8);
    for (int t = 0; t < 3; t++) {
      assertSame(lent[t], back[t], "tensor " + t + " was read into the lent array");
      assertArrayEquals(gradient[t], back[t]);
    }
    // A one-frame reply fills lent arrays too, and only arrays of the lent length are taken.
    float[] small = new float[5000];
    float[] wrongLength = new float[4999];
    reader.lenders.put(9L, ArrayLender.of(wrongLength, small));
    reader.feed(WireHarness.encode(codec, FrameKind.RESPONSE, 9, gaussian(5000, 8)), 2);
    assertSame(small, reader.await(9));
  }

  @Test
  void compressibleStreamsAreCompressedFrameByFrame() throws Exception {
    byte[] text = "the quick brown fox jumps over the lazy dog; ".repeat(100_000).getBytes();
    // a 1 Mbit/s link: every byte saved is worth 8 µs, so the text compresses however slow zstd runs
    PayloadCodec slowLink = new PayloadCodec(config.withLinkMbits(1), getClass().getClassLoader(),
        ClassPolicy.REGISTERED_ONLY);
    byte[] wire = WireHarness.encode(slowLink, FrameKind.REQUEST, 1, text);
    assertTrue(wire.length < text.length / 5, "compressed to " + wire.length + " of " + text.length);
    assertArrayEquals(text, (byte[]) roundTrip(3, text).get(0));
  }

  @Test
  void aStreamWithALyingArrayLengthIsRefusedAndTheConnectionStaysInStep() throws Exception {
    float[] noise = gaussian(600_000, 9);
    byte[] bytes = WireHarness.encode(codec, FrameKind.REQUEST, 1, noise);
    // The second frame's payload starts with the class id of float[], then the element count:
    // make the count larger than the message, keeping its varint's length.
    int second = Frame.PREFIX_BYTES + 8 + Frame.PREFIX_BYTES;
    com.esotericsoftware.kryo.io.Output varint = new com.esotericsoftware.kryo.io.Output(8);
    varint.writeVarInt(noise.length, true);
    int countAt = indexOf(bytes, varint.toBytes(), second);
    assertTrue(countAt > second && countAt < second + 4, "count found at " + countAt);
    bytes[countAt + 2] = (byte) 0x7f;
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(bytes);
    all.writeBytes(WireHarness.encode(codec, FrameKind.REQUEST, 2, new Messages.Ping(2)));
    WireHarness.Reader reader = new WireHarness.Reader(codec, config);
    reader.feed(all.toByteArray(), 5);
    MessageReader.Failed failed = assertInstanceOf(MessageReader.Failed.class, reader.await(1));
    assertTrue(failed.cause().getMessage().contains("remain"), failed.cause().getMessage());
    assertEquals(new Messages.Ping(2), reader.await(2));
    assertEquals(List.of(), reader.violations);
  }
}
