package ddl.transport.wire;

import ddl.transport.ArrayLender;
import ddl.transport.ProtocolException;
import ddl.transport.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Encodes messages to frames and reads them back through the real decoder, without a socket. */
final class WireHarness {
  private WireHarness() {}

  /** The frames {@code codec} sends for {@code value}, concatenated. */
  static byte[] encode(PayloadCodec codec, FrameKind kind, long id, Object value) {
    List<ByteBuf> frames = new ArrayList<>();
    codec.send(new FrameOut() {
      @Override
      public void write(ByteBuf frame) {
        frames.add(frame);
      }

      @Override
      public void awaitRoom() {
      }
    }, kind, id, value);
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf f : frames) {
      all.writeBytes(f);
      f.release();
    }
    byte[] bytes = new byte[all.readableBytes()];
    all.readBytes(bytes);
    return bytes;
  }

  /** How many frames {@code codec} sends for {@code value}. */
  static int frameCount(PayloadCodec codec, Object value) {
    int[] n = new int[1];
    codec.send(new FrameOut() {
      @Override
      public void write(ByteBuf frame) {
        n[0]++;
        frame.release();
      }

      @Override
      public void awaitRoom() {
      }
    }, FrameKind.REQUEST, 1, value);
    return n[0];
  }

  /** What one side reads from a byte stream: messages by id (a {@link MessageReader.Failed} for a bad one). */
  static final class Reader implements MessageReader.Delivery {
    final Map<Long, Object> messages = new ConcurrentHashMap<>();
    final List<ProtocolException> violations = new ArrayList<>();
    final List<Frame> otherFrames = new ArrayList<>();
    final Map<Long, ArrayLender> lenders = new ConcurrentHashMap<>();
    final MessageReader reader;
    final FrameDecoder decoder;
    int pauses;

    Reader(PayloadCodec codec, TransportConfig config) {
      reader = new MessageReader(this, () -> codec, new StreamInput.FlowControl() {
        @Override
        public void pause() {
          pauses++;
        }

        @Override
        public void resume() {
          pauses--;
        }
      }, config);
      reader.open();
      decoder = new FrameDecoder(Frame.MAX_FRAME, reader);
    }

    /** Feeds {@code bytes} in random pieces (some of a few bytes, some large). */
    void feed(byte[] bytes, long seed) {
      Random random = new Random(seed);
      for (int at = 0; at < bytes.length; ) {
        int piece = 1 + random.nextInt(random.nextBoolean() ? 7 : 300_000);
        int end = Math.min(bytes.length, at + piece);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes, at, end - at);
        decoder.handle(buf);
        buf.release();
        at = end;
      }
    }

    /** The message with this id, waiting for a streamed one to be decoded. */
    Object await(long id) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!messages.containsKey(id)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("message " + id + " never arrived; violations " + violations);
        }
        Thread.sleep(2);
      }
      return messages.get(id);
    }

    @Override
    public void message(FrameKind kind, long id, Object value) {
      messages.put(id, value);
    }

    @Override
    public void frame(Frame frame) {
      otherFrames.add(frame);
    }

    @Override
    public void violation(ProtocolException e) {
      violations.add(e);
    }

    @Override
    public ArrayLender lender(long id) {
      return lenders.get(id);
    }

    @Override
    public String peer() {
      return "test";
    }
  }
}
