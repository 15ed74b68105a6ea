package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  private final List<Buffer> frames = new ArrayList<>();
  private final List<ProtocolException> errors = new ArrayList<>();
  /** Payload bytes handed to sinks, per frame, when frames are streamed. */
  private final List<Buffer> sunk = new ArrayList<>();

  private FrameDecoder decoder(int max, boolean sinks) {
    return new FrameDecoder(max, new FrameDecoder.Listener() {
      @Override
      public FrameDecoder.Sink onHeader(FrameKind kind, byte flags, long requestId, int payloadBytes) {
        if (!sinks) {
          return null;
        }
        Buffer payload = Buffer.buffer();
        return new FrameDecoder.Sink() {
          @Override
          public void bytes(ByteBuf piece) {
            payload.appendBytes(io.netty.buffer.ByteBufUtil.getBytes(piece));
            piece.release();
          }

          @Override
          public void end() {
            sunk.add(payload);
            frames.add(new Frame(kind, flags, requestId, Unpooled.wrappedBuffer(payload.getBytes())).encode());
          }
        };
      }

      @Override
      public void onFrame(Frame frame) {
        frames.add(frame.encode());
      }

      @Override
      public void onError(ProtocolException e) {
        errors.add(e);
      }
    });
  }

  private static Buffer stream(int count) {
    Buffer all = Buffer.buffer();
    Random random = new Random(7);
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[i * 13 % 97];
      random.nextBytes(payload);
      all.appendBuffer(new Frame(FrameKind.REQUEST, (byte) (i % 2), 1000L + i, Unpooled.wrappedBuffer(payload)).encode());
    }
    return all;
  }

  private static void handle(FrameDecoder decoder, Buffer bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes.getBytes());
    decoder.handle(buf);
    buf.release();
  }

  private void assertStream(int count) {
    assertEquals(List.of(), errors);
    assertEquals(count, frames.size());
    Buffer actual = Buffer.buffer();
    frames.forEach(actual::appendBuffer);
    assertArrayEquals(stream(count).getBytes(), actual.getBytes());
  }

  @Test
  void framesSplitAtEveryByteBoundaryDecodeTheSame() {
    Buffer all = stream(5);
    for (boolean sinks : new boolean[] {false, true}) {
      for (int cut = 1; cut < all.length(); cut++) {
        frames.clear();
        FrameDecoder decoder = decoder(1024, sinks);
        handle(decoder, all.getBuffer(0, cut));
        handle(decoder, all.getBuffer(cut, all.length()));
        assertStream(5);
      }
    }
  }

  @Test
  void framesFedOneByteAtATimeDecodeTheSame() {
    Buffer all = stream(9);
    FrameDecoder decoder = decoder(1024, false);
    for (int i = 0; i < all.length(); i++) {
      handle(decoder, all.getBuffer(i, i + 1));
    }
    assertStream(9);
  }

  @Test
  void aSinkGetsThePayloadAsItArrivesWithoutWaitingForTheWholeFrame() {
    byte[] payload = new byte[100_000];
    new Random(3).nextBytes(payload);
    Buffer frame = new Frame(FrameKind.RESPONSE, Frame.FLAG_MORE, 4, Unpooled.wrappedBuffer(payload)).encode();
    List<Integer> pieces = new ArrayList<>();
    FrameDecoder decoder = new FrameDecoder(Frame.MAX_FRAME, new FrameDecoder.Listener() {
      @Override
      public FrameDecoder.Sink onHeader(FrameKind kind, byte flags, long requestId, int payloadBytes) {
        return new FrameDecoder.Sink() {
          @Override
          public void bytes(ByteBuf piece) {
            pieces.add(piece.readableBytes());
            piece.release();
          }

          @Override
          public void end() {
            pieces.add(-1);
          }
        };
      }

      @Override
      public void onFrame(Frame f) {
        throw new AssertionError("a sunk frame is not delivered whole");
      }

      @Override
      public void onError(ProtocolException e) {
        throw e;
      }
    });
    handle(decoder, frame.getBuffer(0, 30_000));
    assertEquals(List.of(30_000 - Frame.PREFIX_BYTES), pieces, "the first bytes went out before the rest arrived");
    handle(decoder, frame.getBuffer(30_000, frame.length()));
    assertEquals(List.of(30_000 - Frame.PREFIX_BYTES, frame.length() - 30_000, -1), pieces);
  }

  @Test
  void coalescedFramesInOneChunkAllDecode() {
    handle(decoder(1024, false), stream(40));
    assertStream(40);
  }

  @Test
  void frameLongerThanLimitIsRejectedBeforeItsBytesArrive() {
    FrameDecoder decoder = decoder(1024, false);
    handle(decoder, Buffer.buffer().appendInt(Integer.MAX_VALUE - 8).appendBytes(new byte[11]));
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).getMessage().contains("exceeds the limit of 1024"), errors.get(0).getMessage());
    handle(decoder, stream(1));
    assertEquals(0, frames.size(), "nothing is decoded after a violation");
  }

  @Test
  void lengthShorterThanHeaderIsRejected() {
    handle(decoder(1024, false), Buffer.buffer().appendInt(3).appendBytes(new byte[11]));
    assertEquals(1, errors.size());
  }

  @Test
  void unknownKindAndVersionAreRejected() {
    Buffer badKind = Frame.of(FrameKind.REQUEST, 1, null).encode();
    badKind.setByte(5, (byte) 99);
    handle(decoder(1024, false), badKind);
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).getMessage().contains("unknown frame kind 99"));
    errors.clear();
    Buffer badVersion = Frame.of(FrameKind.REQUEST, 1, null).encode();
    badVersion.setByte(4, (byte) 42);
    handle(decoder(1024, false), badVersion);
    assertNotNull(errors.get(0));
    assertTrue(errors.get(0).getMessage().contains("version 42"));
  }

  @Test
  void lyingLengthHoldsOnlyTheBytesThatArrived() {
    FrameDecoder decoder = decoder(Frame.MAX_FRAME, false);
    Buffer header = Buffer.buffer().appendInt(Frame.MAX_FRAME).appendByte(Frame.VERSION)
        .appendByte(FrameKind.REQUEST.code()).appendByte((byte) 0).appendLong(1).appendBytes(new byte[100]);
    handle(decoder, header);
    assertEquals(0, frames.size());
    assertEquals(0, errors.size());
  }
}
