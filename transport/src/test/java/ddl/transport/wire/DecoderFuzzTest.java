package ddl.transport.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import ddl.transport.ProtocolException;
import ddl.transport.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;

/**
 * Coverage-guided fuzzing (Jazzer) of what a worker reads from a master after authentication: the
 * byte stream through {@link FrameDecoder}, each whole frame's payload through
 * {@link PayloadCodec#decode(Frame, ddl.transport.ArrayLender)}, and a streamed message's bytes
 * through {@link StreamInput} and the codec, under the class policy of a session. Malformed input
 * may be refused with an exception (the worker answers with an error or closes the connection);
 * an {@link Error} (out of memory, stack overflow), a hang or a crash is a finding.
 *
 * <p>A normal test run replays the corpus kept beside this class in the test resources
 * ({@code DecoderFuzzTestInputs/<method>}) and fuzzes for a few seconds; {@code JAZZER_FUZZ=1}
 * with {@code -Dtest=DecoderFuzzTest#METHOD -Djazzer.max_duration=10m} fuzzes one method longer.
 */
class DecoderFuzzTest {
  /** Small limits, so that a lying size is refused quickly; the checks are the same at any size. */
  private static final TransportConfig CONFIG = new TransportConfig(1 << 20, 64, 8192, 1, 10_000, Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofSeconds(1), 1 << 20, Duration.ofSeconds(60), Duration.ofSeconds(60),
      Duration.ofSeconds(30));
  private static final PayloadCodec CODEC = new PayloadCodec(CONFIG, DecoderFuzzTest.class.getClassLoader(),
      ClassPolicy.APPLICATION);

  @FuzzTest(maxDuration = "4s")
  void framesAfterAuthentication(byte[] stream) {
    FrameDecoder decoder = new FrameDecoder(1 << 20, new FrameDecoder.Listener() {
      @Override
      public FrameDecoder.Sink onHeader(FrameKind kind, byte flags, long requestId, int payloadBytes) {
        return null;
      }

      @Override
      public void onFrame(Frame frame) {
        if (!frame.kind().carriesObject()) {
          return;
        }
        try {
          CODEC.decode(frame, null);
        } catch (RuntimeException refused) {
          // a malformed payload: the worker answers the call with an error
        }
      }

      @Override
      public void onError(ProtocolException e) {
        // a framing violation: the worker closes this connection
      }
    });
    ByteBuf in = Unpooled.wrappedBuffer(stream);
    decoder.handle(in);
    in.release();
  }

  @FuzzTest(maxDuration = "3s")
  void streamedMessage(byte[] bytes) {
    if (bytes.length == 0) {
      return;
    }
    StreamInput input = new StreamInput(new StreamInput.FlowControl() {
      @Override
      public void pause() {}

      @Override
      public void resume() {}
    }, CONFIG.maxMessageBytes(), CONFIG.callTimeout());
    // The first byte says how the rest arrives: whether each piece is compressed, and where it is cut.
    boolean compressed = (bytes[0] & 1) != 0;
    int cut = 1 + Math.floorMod(bytes[0] >> 1, Math.max(1, bytes.length - 1));
    try {
      input.add(Unpooled.wrappedBuffer(bytes, 1, Math.min(cut, bytes.length - 1)), compressed);
      if (cut + 1 < bytes.length) {
        input.add(Unpooled.wrappedBuffer(bytes, cut + 1, bytes.length - cut - 1), compressed);
      }
      input.finish();
      CODEC.decode(input, null);
    } catch (RuntimeException refused) {
      // a malformed message: an error reply
    } finally {
      input.release();
    }
  }
}
