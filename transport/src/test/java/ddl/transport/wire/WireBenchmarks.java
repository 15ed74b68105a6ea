package ddl.transport.wire;

import ddl.transport.ArrayLender;
import ddl.transport.ProtocolException;
import ddl.transport.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Micro-benchmarks of the codec and frames, without a socket: encoding a {@code float[]} into
 * frames, decoding it back through the real frame decoder (fed in socket-sized pieces, a streamed
 * message decoded on its own thread as on a connection), with and without a lent destination, and
 * one small request's frame written and read. Run with {@code scripts/bench --jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WireBenchmarks {
  /** Bytes the socket hands the decoder at once. */
  private static final int READ_BYTES = 64 * 1024;

  @Param({"1048576"})
  public int bytes;

  private final TransportConfig config = TransportConfig.defaults();
  private final PayloadCodec codec = new PayloadCodec(config, WireBenchmarks.class.getClassLoader(),
      ClassPolicy.REGISTERED_ONLY);
  private float[] values;
  private byte[] encoded;
  private float[] lent;
  private Decoding decoding;
  private final Messages.Ping ping = new Messages.Ping(42);

  /** Frames into nothing: what encoding costs alone. */
  private static final FrameOut DISCARD = new FrameOut() {
    @Override
    public void write(ByteBuf frame) {
      frame.release();
    }

    @Override
    public void awaitRoom() {
    }
  };

  /** A reader as a connection has one, handing each decoded message to the benchmark thread. */
  private final class Decoding implements MessageReader.Delivery {
    final BlockingQueue<Object> delivered = new LinkedBlockingQueue<>();
    ArrayLender lender;
    final FrameDecoder decoder;

    Decoding() {
      MessageReader reader = new MessageReader(this, () -> codec, new StreamInput.FlowControl() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }
      }, config);
      reader.open();
      decoder = new FrameDecoder(Frame.MAX_FRAME, reader);
    }

    Object read(byte[] stream) throws InterruptedException {
      for (int at = 0; at < stream.length; at += READ_BYTES) {
        ByteBuf piece = Unpooled.wrappedBuffer(stream, at, Math.min(READ_BYTES, stream.length - at));
        decoder.handle(piece);
        piece.release();
      }
      return delivered.take();
    }

    @Override
    public void message(FrameKind kind, long id, Object value) {
      delivered.add(value);
    }

    @Override
    public void frame(Frame frame) {
    }

    @Override
    public void violation(ProtocolException e) {
      throw e;
    }

    @Override
    public ArrayLender lender(long id) {
      return lender;
    }

    @Override
    public String peer() {
      return "benchmark";
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    values = new float[bytes / Float.BYTES];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    encoded = WireHarness.encode(codec, FrameKind.RESPONSE, 1, values);
    lent = new float[values.length];
    decoding = new Decoding();
  }

  /** A {@code float[]} into frames (copied from the array straight into frame buffers). */
  @Benchmark
  public void encodeFloats() {
    codec.send(DISCARD, FrameKind.REQUEST, 1, values);
  }

  /** Frames back into a new {@code float[]}. */
  @Benchmark
  public Object decodeFloats() throws InterruptedException {
    decoding.lender = null;
    return decoding.read(encoded);
  }

  /** Frames back into a lent {@code float[]}, reused every time. */
  @Benchmark
  public Object decodeFloatsIntoLent() throws InterruptedException {
    decoding.lender = ArrayLender.of(lent);
    return decoding.read(encoded);
  }

  /** One small request: its frame written, then read back through the decoder. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object smallFrameWriteRead() throws InterruptedException {
    ByteBuf frame = codec.encodeFrame(FrameKind.REQUEST, 2, ping);
    byte[] bytes = new byte[frame.readableBytes()];
    frame.readBytes(bytes);
    frame.release();
    return decoding.read(bytes);
  }
}
