package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import ddl.transport.DdlException;
import ddl.transport.ProtocolException;
import ddl.transport.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {
  private final PayloadCodec codec = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(),
      ClassPolicy.REGISTERED_ONLY);

  private static TransportConfig config(long maxMessage, int compressThreshold) {
    TransportConfig d = TransportConfig.defaults();
    return new TransportConfig(maxMessage, 10, compressThreshold, 1, 10_000, Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(1), 1 << 20, d.runawayGrace(), d.sessionKeep(), d.shutdownGrace());
  }

  /** Encodes one frame, then decodes it through a frame decoder, as the wire would. */
  private static Frame roundTripFrame(PayloadCodec c, Object value) {
    ByteBuf bytes = c.encodeFrame(FrameKind.RESPONSE, 77, value);
    List<Frame> frames = new ArrayList<>();
    new FrameDecoder(Frame.MAX_FRAME, new FrameDecoder.Listener() {
      @Override
      public FrameDecoder.Sink onHeader(FrameKind kind, byte flags, long requestId, int payloadBytes) {
        return null;
      }

      @Override
      public void onFrame(Frame frame) {
        byte[] copy = io.netty.buffer.ByteBufUtil.getBytes(frame.payload());
        frames.add(new Frame(frame.kind(), frame.flags(), frame.requestId(), Unpooled.wrappedBuffer(copy)));
      }

      @Override
      public void onError(ProtocolException e) {
        throw e;
      }
    }).handle(bytes);
    bytes.release();
    assertEquals(1, frames.size());
    assertEquals(77, frames.get(0).requestId());
    return frames.get(0);
  }

  private Object roundTrip(Object value) {
    return codec.decode(roundTripFrame(codec, value), null);
  }

  private static Frame frame(byte flags, byte[] payload) {
    return new Frame(FrameKind.REQUEST, flags, 1, Unpooled.wrappedBuffer(payload));
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

  /**
   * A codec for a 1 Mbit/s link: there every byte zstd saves is worth 8 µs, so a redundant payload
   * is compressed however slowly a loaded machine runs zstd.
   */
  private PayloadCodec slowLink() {
    return new PayloadCodec(TransportConfig.defaults().withLinkMbits(1), getClass().getClassLoader(),
        ClassPolicy.REGISTERED_ONLY);
  }

  @Test
  void bulkFloatsTakeFourBytesEach() {
    ByteBuf frame = slowLink().encodeFrame(FrameKind.REQUEST, 1, new float[250_000]);
    // length prefix + header + class id + reference + varint length + data; zeros compress, so disable it here
    PayloadCodec plain = new PayloadCodec(config(1 << 30, Integer.MAX_VALUE), getClass().getClassLoader(),
        ClassPolicy.REGISTERED_ONLY);
    ByteBuf raw = plain.encodeFrame(FrameKind.REQUEST, 1, new float[250_000]);
    assertTrue(raw.readableBytes() < 1_000_000 + 32, "raw size " + raw.readableBytes());
    assertTrue(frame.readableBytes() < raw.readableBytes() / 10, "zeros are compressed: " + frame.readableBytes());
  }

  @Test
  void compressiblePayloadIsCompressedAndRestored() {
    String text = "the quick brown fox jumps over the lazy dog ".repeat(2000);
    PayloadCodec slow = slowLink();
    Frame frame = roundTripFrame(slow, text);
    assertTrue(frame.compressed());
    assertTrue(frame.payload().readableBytes() < text.length() / 5);
    assertEquals(text, slow.decode(frame, null));
  }

  @Test
  void randomFloatsAreNotCompressed() {
    Random random = new Random(3);
    float[] noise = new float[200_000];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) random.nextGaussian();
    }
    Frame frame = roundTripFrame(codec, noise);
    assertFalse(frame.compressed(), "gaussian floats do not shrink enough to pay for zstd on a 10 Gbit/s link");
    assertArrayEquals(noise, (float[]) codec.decode(frame, null));
  }

  @Test
  void smallPayloadBelowThresholdIsNotCompressed() {
    assertFalse(roundTripFrame(codec, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").compressed());
  }

  @Test
  void zstdBombAboveTheFrameLimitIsRejected() {
    byte[] zeros = new byte[64 * 1024 * 1024];
    byte[] bomb = Zstd.compress(zeros);
    ByteBuf payload = Unpooled.buffer().writeInt(zeros.length).writeBytes(bomb);
    Frame frame = new Frame(FrameKind.REQUEST, Frame.FLAG_COMPRESSED, 1, payload);
    ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(frame, null));
    assertTrue(e.getMessage().contains("above the limit"), e.getMessage());
  }

  @Test
  void compressedPayloadThatLiesAboutItsSizeIsRejected() {
    byte[] data = "hello hello hello hello hello hello".repeat(100).getBytes();
    byte[] packed = Zstd.compress(data);
    ByteBuf payload = Unpooled.buffer().writeInt(data.length * 2).writeBytes(packed);
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> codec.decode(new Frame(FrameKind.REQUEST, Frame.FLAG_COMPRESSED, 1, payload), null));
    assertTrue(e.getMessage().contains("announces"), e.getMessage());
  }

  @Test
  void corruptZstdIsRejected() {
    ByteBuf payload = Unpooled.buffer().writeInt(1000).writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 9, 9, 9, 9});
    assertThrows(ProtocolException.class, () -> codec.decode(new Frame(FrameKind.REQUEST, Frame.FLAG_COMPRESSED, 1, payload), null));
  }

  @Test
  void arrayLengthBeyondThePayloadIsRejectedWithoutAllocating() {
    byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(codec.encodeFrame(FrameKind.REQUEST, 1, new float[] {1, 2, 3}));
    // After prefix(4)+header(11): class id varint, reference marker, then the varint length 3; make the length huge.
    int lengthAt = Frame.PREFIX_BYTES + 2;
    assertEquals(3, bytes[lengthAt]);
    ByteBuf lying = Unpooled.buffer().writeBytes(bytes, Frame.PREFIX_BYTES, 2)
        .writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07})
        .writeBytes(bytes, lengthAt + 1, bytes.length - lengthAt - 1);
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> codec.decode(new Frame(FrameKind.REQUEST, (byte) 0, 1, lying), null));
    assertTrue(e.getMessage().contains("remain in the message"), e.getMessage());
  }

  @Test
  void immutableListWithALyingSizeIsRefusedWithoutPreallocating() {
    assertEquals(List.of("a", "b", "c"), roundTrip(List.of("a", "b", "c")));
    byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(codec.encodeFrame(FrameKind.REQUEST, 1, List.of(1, 2, 3)));
    int classIdAt = Frame.PREFIX_BYTES;
    int sizeAt = classIdAt;
    while (bytes[sizeAt] < 0) {
      sizeAt++; // varint continuation bytes of the class id
    }
    sizeAt += 2; // past the class id and the reference marker
    assertEquals(3, bytes[sizeAt], "the list's size follows its class id");
    ByteBuf lying = Unpooled.buffer().writeBytes(bytes, classIdAt, sizeAt - classIdAt)
        .writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07})
        .writeBytes(bytes, sizeAt + 1, bytes.length - sizeAt - 1);
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> codec.decode(new Frame(FrameKind.REQUEST, (byte) 0, 1, lying), null));
    assertTrue(e.getMessage().contains("remain"), e.getMessage());
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
    ProtocolException read = assertThrows(ProtocolException.class, () -> codec.decode(frame, null));
    assertTrue(read.getMessage().contains("may not be received"), read.getMessage());
  }

  @Test
  void anUnsendableCaptureIsNamedWithItsType() {
    PayloadCodec open = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(), ClassPolicy.APPLICATION);
    java.util.IdentityHashMap<String, Integer> cache = new java.util.IdentityHashMap<>();
    ddl.transport.RemoteFunction<Integer, Integer> f = (ctx, x) -> x + cache.size();
    DdlException e = assertThrows(DdlException.class, () -> open.encodeFrame(FrameKind.REQUEST, 1, f));
    assertTrue(e.getMessage().contains("the lambda in ddl.transport.wire.PayloadCodecTest."
        + "anUnsendableCaptureIsNamedWithItsType captures value 1 of type java.util.IdentityHashMap,"
        + " which cannot be sent"), e.getMessage());
    assertTrue(e.getMessage().contains("may not be sent"), e.getMessage());
  }

  @Test
  void jdkClassesNeverTravelByName() {
    PayloadCodec open = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(), ClassPolicy.APPLICATION);
    DdlException e = assertThrows(DdlException.class,
        () -> open.encodeFrame(FrameKind.REQUEST, 1, new java.util.IdentityHashMap<>()));
    assertTrue(e.getMessage().contains("may not be sent"), e.getMessage());
  }

  @Test
  void garbagePayloadIsAProtocolError() {
    Random random = new Random(11);
    for (int i = 0; i < 2000; i++) {
      byte[] junk = new byte[1 + random.nextInt(64)];
      random.nextBytes(junk);
      try {
        codec.decode(frame((byte) 0, junk), null);
      } catch (ProtocolException expected) {
        // the only acceptable failure
      }
    }
  }

  @Test
  void messageAboveTheLimitIsRefusedWhenEncoding() {
    PayloadCodec tiny = new PayloadCodec(config(1 << 20, Integer.MAX_VALUE), getClass().getClassLoader(),
        ClassPolicy.REGISTERED_ONLY);
    DdlException e = assertThrows(DdlException.class,
        () -> WireHarness.encode(tiny, FrameKind.REQUEST, 1, new byte[2 << 20]));
    assertTrue(e.getMessage().contains("larger than"), e.getMessage());
  }

  @Test
  void commonJdkValuesRoundTrip() {
    Map<String, Object> values = new java.util.LinkedHashMap<>();
    values.put("date", java.time.LocalDate.of(2026, 12, 3));
    values.put("datetime", java.time.LocalDateTime.of(2026, 12, 3, 4, 5, 6));
    values.put("zoned", java.time.ZonedDateTime.of(2026, 12, 3, 4, 5, 6, 0, java.time.ZoneId.of("Europe/Paris")));
    values.put("decimal", new java.math.BigDecimal("12345678901234567890.125"));
    values.put("integer", new java.math.BigInteger("-98765432109876543210"));
    values.put("uuid", java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    values.put("concurrent", new java.util.concurrent.ConcurrentHashMap<>(Map.of("a", 1)));
    values.put("asList", java.util.Arrays.asList(1, 2, 3));
    values.put("unmodifiable", java.util.Collections.unmodifiableList(new ArrayList<>(List.of("x", "y"))));
    values.put("unmodifiableMap", java.util.Collections.unmodifiableMap(new java.util.HashMap<>(Map.of("k", 2))));
    values.put("entry", Map.entry("key", 5));
    values.put("optional", java.util.Optional.of("here"));
    values.put("set", java.util.Set.of(1, 2, 3));
    values.put("singleton", java.util.Collections.singletonList(9));
    values.put("uri", java.net.URI.create("https://example.org/a?b=c"));
    values.put("timeUnit", java.util.concurrent.TimeUnit.SECONDS);
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) roundTrip(values);
    assertEquals(values, back);
    assertTrue(back.get("unmodifiable").getClass().getName().contains("Unmodifiable"));
  }

  /** A node of a user's linked structure. */
  static final class Node {
    int value;
    Node next;
    Node other;
  }

  @Test
  void sharedReferencesAndCyclesArePreserved() {
    PayloadCodec open = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(), ClassPolicy.APPLICATION);
    Node a = new Node();
    Node b = new Node();
    a.value = 1;
    b.value = 2;
    a.next = b;
    b.next = a; // a cycle
    a.other = b; // b reached twice
    Node back = (Node) open.decode(roundTripFrame(open, a), null);
    assertEquals(2, back.next.value);
    assertSame(back, back.next.next, "the cycle is kept");
    assertSame(back.next, back.other, "a shared object arrives once");
    float[] shared = {1, 2};
    Object[] pair = (Object[]) roundTrip(new Object[] {shared, shared, List.of(shared)});
    assertSame(pair[0], pair[1]);
    assertNotSame(shared, pair[0]);
  }

  @Test
  void aLongLinkedStructureFailsWithAMessageSayingWhatToDo() {
    PayloadCodec open = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(), ClassPolicy.APPLICATION);
    Node head = new Node();
    Node at = head;
    for (int i = 0; i < 500; i++) {
      at.next = new Node();
      at = at.next;
    }
    assertEquals(500, count((Node) open.decode(roundTripFrame(open, head), null)), "500 nodes deep is fine");
    for (int i = 0; i < 2000; i++) {
      at.next = new Node();
      at = at.next;
    }
    DdlException e = assertThrows(DdlException.class, () -> open.encodeFrame(FrameKind.REQUEST, 1, head));
    assertTrue(e.getMessage().contains("nested deeper than " + KryoFactory.MAX_DEPTH), e.getMessage());
  }

  private static int count(Node n) {
    int c = 0;
    for (Node at = n.next; at != null; at = at.next) {
      c++;
    }
    return c;
  }

  @Test
  void aLargeCopyOnWriteArrayListIsReadWithoutCopyingItPerElement() {
    java.util.concurrent.CopyOnWriteArrayList<Object> big =
        new java.util.concurrent.CopyOnWriteArrayList<>(java.util.Collections.nCopies(300_000, null));
    Frame frame = roundTripFrame(codec, big);
    // Element by element this took minutes (each add copies the array); read in one go it takes milliseconds.
    Object back = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> codec.decode(frame, null));
    assertTrue(back instanceof java.util.concurrent.CopyOnWriteArrayList, String.valueOf(back.getClass()));
    assertEquals(big, back);
  }
}
