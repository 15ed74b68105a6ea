package ddl.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {
  private final PayloadCodec codec = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(),
      ClassPolicy.REGISTERED_ONLY);

  /** Encodes, then decodes through a frame decoder, as the wire would. */
  private Frame roundTripFrame(PayloadCodec c, Object value) {
    Buffer bytes = c.encodeFrame(FrameKind.RESPONSE, 77, value);
    List<Frame> frames = new ArrayList<>();
    new FrameDecoder(Integer.MAX_VALUE - 64, frames::add, e -> { throw e; }).handle(bytes);
    assertEquals(1, frames.size());
    assertEquals(77, frames.get(0).requestId());
    return frames.get(0);
  }

  private Object roundTrip(Object value) {
    return codec.decode(roundTripFrame(codec, value));
  }

  @Test
  void messageRecordsRoundTrip() {
    assertEquals(new Messages.Ping(42), roundTrip(new Messages.Ping(42)));
    assertEquals(new Messages.Get("model"), roundTrip(new Messages.Get("model")));
    assertEquals(new Messages.HasClasses(List.of("a.B", "c.D")), roundTrip(new Messages.HasClasses(List.of("a.B", "c.D"))));
    Messages.RemoteError error = Messages.RemoteError.of(new IllegalStateException("boom", new RuntimeException("root")));
    Messages.RemoteError back = (Messages.RemoteError) roundTrip(error);
    assertEquals("boom", back.message());
    assertEquals("root", back.cause().message());
    assertEquals(error.stack().size(), back.stack().size());
    Messages.DefineClasses define = (Messages.DefineClasses) roundTrip(
        new Messages.DefineClasses(Map.of("x.Y", new byte[] {1, 2, 3})));
    assertArrayEquals(new byte[] {1, 2, 3}, define.classes().get("x.Y"));
  }

  @Test
  void primitiveArraysRoundTripExactly() {
    Random random = new Random(1);
    float[] floats = new float[100_003];
    double[] doubles = new double[5001];
    int[] ints = new int[777];
    long[] longs = new long[33];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < doubles.length; i++) {
      doubles[i] = random.nextDouble();
    }
    for (int i = 0; i < ints.length; i++) {
      ints[i] = random.nextInt();
    }
    for (int i = 0; i < longs.length; i++) {
      longs[i] = random.nextLong();
    }
    floats[0] = Float.NaN;
    floats[1] = Float.NEGATIVE_INFINITY;
    floats[2] = -0.0f;
    assertArrayEquals(floats, (float[]) roundTrip(floats));
    assertArrayEquals(doubles, (double[]) roundTrip(doubles));
    assertArrayEquals(ints, (int[]) roundTrip(ints));
    assertArrayEquals(longs, (long[]) roundTrip(longs));
    assertArrayEquals(new float[0], (float[]) roundTrip(new float[0]));
  }

  @Test
  void bulkFloatsTakeFourBytesEach() {
    Buffer frame = codec.encodeFrame(FrameKind.REQUEST, 1, new float[250_000]);
    // length prefix + header + class id + varint length + data; zeros compress, so disable it here
    PayloadCodec plain = new PayloadCodec(new TransportConfig(1 << 30, 1L << 30, 10, Integer.MAX_VALUE, 1,
        java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 1 << 20),
        getClass().getClassLoader(), ClassPolicy.REGISTERED_ONLY);
    Buffer raw = plain.encodeFrame(FrameKind.REQUEST, 1, new float[250_000]);
    assertTrue(raw.length() < 1_000_000 + 32, "raw size " + raw.length());
    assertTrue(frame.length() < raw.length() / 10, "zeros are compressed: " + frame.length());
  }

  @Test
  void compressiblePayloadIsCompressedAndRestored() {
    String text = "the quick brown fox jumps over the lazy dog ".repeat(2000);
    Frame frame = roundTripFrame(codec, text);
    assertTrue(frame.compressed());
    assertTrue(frame.payload().length() < text.length() / 5);
    assertEquals(text, codec.decode(frame));
  }

  @Test
  void randomFloatsAreNotCompressed() {
    Random random = new Random(3);
    float[] noise = new float[200_000];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) random.nextGaussian();
    }
    Frame frame = roundTripFrame(codec, noise);
    assertFalse(frame.compressed(), "gaussian floats do not shrink enough to pay for zstd");
    assertArrayEquals(noise, (float[]) codec.decode(frame));
  }

  @Test
  void smallPayloadBelowThresholdIsNotCompressed() {
    assertFalse(roundTripFrame(codec, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").compressed());
  }

  @Test
  void zstdBombAboveDecompressedLimitIsRejected() {
    byte[] zeros = new byte[64 * 1024 * 1024];
    byte[] bomb = Zstd.compress(zeros);
    Buffer payload = Buffer.buffer().appendInt(zeros.length).appendBytes(bomb);
    Frame frame = new Frame(FrameKind.REQUEST, Frame.FLAG_COMPRESSED, 1, payload);
    PayloadCodec small = new PayloadCodec(new TransportConfig(1 << 30, 1024 * 1024, 10, 1024, 1,
        java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 1 << 20),
        getClass().getClassLoader(), ClassPolicy.REGISTERED_ONLY);
    ProtocolException e = assertThrows(ProtocolException.class, () -> small.decode(frame));
    assertTrue(e.getMessage().contains("max_decompressed_bytes"), e.getMessage());
  }

  @Test
  void compressedPayloadThatLiesAboutItsSizeIsRejected() {
    byte[] data = "hello hello hello hello hello hello".repeat(100).getBytes();
    byte[] packed = Zstd.compress(data);
    Buffer payload = Buffer.buffer().appendInt(data.length * 2).appendBytes(packed);
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> codec.decode(new Frame(FrameKind.REQUEST, Frame.FLAG_COMPRESSED, 1, payload)));
    assertTrue(e.getMessage().contains("announces"), e.getMessage());
  }

  @Test
  void corruptZstdIsRejected() {
    Buffer payload = Buffer.buffer().appendInt(1000).appendBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 9, 9, 9, 9});
    assertThrows(ProtocolException.class, () -> codec.decode(new Frame(FrameKind.REQUEST, Frame.FLAG_COMPRESSED, 1, payload)));
  }

  @Test
  void arrayLengthBeyondThePayloadIsRejectedWithoutAllocating() {
    Buffer good = codec.encodeFrame(FrameKind.REQUEST, 1, new float[] {1, 2, 3});
    // After prefix(4)+header(11): class id varint, then the varint length 3; make the length huge.
    byte[] bytes = good.getBytes();
    int lengthAt = 4 + Frame.HEADER_BYTES + 1;
    assertEquals(3, bytes[lengthAt]);
    Buffer lying = Buffer.buffer().appendBytes(bytes, 4 + Frame.HEADER_BYTES, 1)
        .appendBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07})
        .appendBytes(bytes, lengthAt + 1, bytes.length - lengthAt - 1);
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> codec.decode(new Frame(FrameKind.REQUEST, (byte) 0, 1, lying)));
    assertTrue(e.getMessage().contains("remain in the message"), e.getMessage());
  }

  @Test
  void immutableListWithALyingSizeIsRefusedWithoutPreallocating() {
    assertEquals(List.of("a", "b", "c"), roundTrip(List.of("a", "b", "c")));
    byte[] bytes = codec.encodeFrame(FrameKind.REQUEST, 1, List.of(1, 2, 3)).getBytes();
    int classIdAt = 4 + Frame.HEADER_BYTES;
    int sizeAt = classIdAt;
    while (bytes[sizeAt] < 0) {
      sizeAt++; // varint continuation bytes of the class id
    }
    sizeAt++;
    // A flag bit (same element type) and the size plus one in six bits: 0x80 | 4.
    assertEquals((byte) 0x84, bytes[sizeAt], "the list's size follows its class id");
    Buffer lying = Buffer.buffer().appendBytes(bytes, classIdAt, sizeAt - classIdAt)
        .appendBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07})
        .appendBytes(bytes, sizeAt + 1, bytes.length - sizeAt - 1);
    long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    assertThrows(ProtocolException.class, () -> codec.decode(new Frame(FrameKind.REQUEST, (byte) 0, 1, lying)));
    long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    assertTrue(after - before < 256L * 1024 * 1024, "no list of two billion slots was allocated");
  }

  @Test
  void unregisteredClassNameIsRefusedOnReadAndWrite() {
    class Secret {
      int value = 1;
    }
    DdlException write = assertThrows(DdlException.class, () -> codec.encodeFrame(FrameKind.REQUEST, 1, new Secret()));
    assertTrue(write.getMessage().contains("may not be sent"), write.getMessage());
    PayloadCodec open = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(), ClassPolicy.APPLICATION);
    Frame frame = roundTripFrame(open, new Secret());
    ProtocolException read = assertThrows(ProtocolException.class, () -> codec.decode(frame));
    assertTrue(read.getMessage().contains("may not be received"), read.getMessage());
  }

  @Test
  void jdkClassesNeverTravelByName() {
    PayloadCodec open = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(), ClassPolicy.APPLICATION);
    assertThrows(DdlException.class, () -> open.encodeFrame(FrameKind.REQUEST, 1, new java.util.concurrent.ConcurrentHashMap<>()));
  }

  @Test
  void garbagePayloadIsAProtocolError() {
    Random random = new Random(11);
    for (int i = 0; i < 2000; i++) {
      byte[] junk = new byte[1 + random.nextInt(64)];
      random.nextBytes(junk);
      try {
        codec.decode(new Frame(FrameKind.REQUEST, (byte) 0, 1, Buffer.buffer(junk)));
      } catch (ProtocolException expected) {
        // the only acceptable failure
      }
    }
  }

  @Test
  void frameAboveLimitIsRefusedWhenEncoding() {
    PayloadCodec tiny = new PayloadCodec(new TransportConfig(4096, 1L << 20, 10, Integer.MAX_VALUE, 1,
        java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 1 << 20),
        getClass().getClassLoader(), ClassPolicy.REGISTERED_ONLY);
    DdlException e = assertThrows(DdlException.class, () -> tiny.encodeFrame(FrameKind.REQUEST, 1, new byte[10_000]));
    assertTrue(e.getMessage().contains("max_frame_bytes"), e.getMessage());
  }
}
