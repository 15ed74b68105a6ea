package ddl.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  private final List<Frame> frames = new ArrayList<>();
  private final List<ProtocolException> errors = new ArrayList<>();

  private FrameDecoder decoder(int max) {
    return new FrameDecoder(max, frames::add, errors::add);
  }

  private static Buffer stream(int count) {
    Buffer all = Buffer.buffer();
    Random random = new Random(7);
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[i * 13 % 97];
      random.nextBytes(payload);
      all.appendBuffer(new Frame(FrameKind.REQUEST, (byte) (i % 2), 1000L + i, Buffer.buffer(payload)).encode());
    }
    return all;
  }

  private void assertStream(int count) {
    assertEquals(List.of(), errors);
    assertEquals(count, frames.size());
    Buffer expected = stream(count);
    Buffer actual = Buffer.buffer();
    frames.forEach(f -> actual.appendBuffer(f.encode()));
    assertArrayEquals(expected.getBytes(), actual.getBytes());
  }

  @Test
  void framesSplitAtEveryByteBoundaryDecodeTheSame() {
    Buffer all = stream(5);
    for (int cut = 1; cut < all.length(); cut++) {
      frames.clear();
      FrameDecoder decoder = decoder(1024);
      decoder.handle(all.getBuffer(0, cut));
      decoder.handle(all.getBuffer(cut, all.length()));
      assertStream(5);
    }
  }

  @Test
  void framesFedOneByteAtATimeDecodeTheSame() {
    Buffer all = stream(9);
    FrameDecoder decoder = decoder(1024);
    for (int i = 0; i < all.length(); i++) {
      decoder.handle(all.getBuffer(i, i + 1));
    }
    assertStream(9);
  }

  @Test
  void coalescedFramesInOneChunkAllDecode() {
    decoder(1024).handle(stream(40));
    assertStream(40);
  }

  @Test
  void frameLongerThanLimitIsRejectedBeforeItsBytesArrive() {
    FrameDecoder decoder = decoder(1024);
    Buffer header = Buffer.buffer().appendInt(Integer.MAX_VALUE - 8);
    decoder.handle(header);
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).getMessage().contains("exceeds the limit of 1024"), errors.get(0).getMessage());
    decoder.handle(stream(1));
    assertEquals(0, frames.size(), "nothing is decoded after a violation");
  }

  @Test
  void lengthShorterThanHeaderIsRejected() {
    decoder(1024).handle(Buffer.buffer().appendInt(3).appendBytes(new byte[3]));
    assertEquals(1, errors.size());
  }

  @Test
  void unknownKindAndVersionAreRejected() {
    Buffer badKind = Frame.of(FrameKind.REQUEST, 1, null).encode();
    badKind.setByte(5, (byte) 99);
    decoder(1024).handle(badKind);
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).getMessage().contains("unknown frame kind 99"));
    errors.clear();
    Buffer badVersion = Frame.of(FrameKind.REQUEST, 1, null).encode();
    badVersion.setByte(4, (byte) 42);
    decoder(1024).handle(badVersion);
    assertNotNull(errors.get(0));
    assertTrue(errors.get(0).getMessage().contains("version 42"));
  }

  @Test
  void lyingLengthHoldsOnlyTheBytesThatArrived() {
    FrameDecoder decoder = decoder(512 * 1024 * 1024);
    Buffer header = Buffer.buffer().appendInt(400 * 1024 * 1024).appendBytes(new byte[100]);
    long before = usedHeap();
    decoder.handle(header);
    assertTrue(usedHeap() - before < 64L * 1024 * 1024, "no buffer of the announced size was allocated");
    assertEquals(0, frames.size());
    assertEquals(0, errors.size());
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
