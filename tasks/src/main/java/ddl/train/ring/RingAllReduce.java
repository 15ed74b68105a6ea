package ddl.train.ring;

import ddl.train.driver.WireFormat;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ring allreduce: replaces a vector on every member by the mean over all members, each member
 * sending and receiving about twice the vector's size whatever the number of members (Patarasuk
 * and Yuan's bandwidth-optimal algorithm, as Horovod and NCCL use it). The vector is cut into one
 * segment per member; in the reduce-scatter phase each segment travels once around the ring and
 * every member adds its values, so that member {@code s - 1} ends with segment {@code s} summed;
 * that member scales it to the mean and, in the all-gather phase, it travels around once more.
 * Segments are sent in chunks of {@link #CHUNK} values, and a chunk is forwarded as soon as it is
 * reduced, so sending overlaps reducing.
 *
 * <p>Summation order, the same on every member and every run: segment {@code s} is summed as
 * {@code ((g[s] + g[s+1]) + g[s+2]) + ...} around the ring. In {@link WireFormat#BF16} the partial
 * sums travel as bfloat16 (each hop rounds them: the mean is within about {@code size * 2^-8} of
 * the exact one, relative to the largest partial sum) and the final values are rounded to
 * bfloat16 on every member, so all members still hold exactly the same result.
 */
public final class RingAllReduce implements AutoCloseable {
  /** Values per piece on the wire (256 KiB as floats). */
  public static final int CHUNK = 64 * 1024;
  private static final int MAX_MEMBERS = 2048;
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Exchange exchange;
  private final int rank;
  private final int size;
  private final WireFormat format;
  private final Duration timeout;

  /**
   * @param timeout the longest one piece may take to arrive before the ring counts as broken
   */
  public RingAllReduce(Exchange exchange, int rank, int size, WireFormat format, Duration timeout) {
    if (size < 1 || size > MAX_MEMBERS || rank < 0 || rank >= size) {
      throw new IllegalArgumentException("a ring of " + size + " members has no member " + rank);
    }
    this.exchange = exchange;
    this.rank = rank;
    this.size = size;
    this.format = format;
    this.timeout = timeout;
  }

  public int rank() {
    return rank;
  }

  public int size() {
    return size;
  }

  /**
   * Replaces {@code data[from..to)} by its mean over the ring. Every member calls it with the same
   * {@code op} (never reused within this ring, below 2^40) and the same length.
   */
  public void meanInPlace(long op, float[] data, int from, int to) throws InterruptedException {
    if ((long) (to - from) / size / CHUNK >= 4096) {
      throw new IllegalArgumentException("a vector of " + (to - from) + " values is too long for one ring allreduce;"
          + " reduce it in parts");
    }
    if (size == 1) {
      if (format == WireFormat.BF16) {
        WireFormat.roundToBf16(data, from, to);
      }
      return;
    }
    Round round = new Round(op, data, from, to);
    round.run();
  }

  /** Leaves the ring (its mailbox closes). */
  @Override
  public void close() {
    exchange.close();
  }

  /** Bytes this member sends for a vector of {@code length} values. */
  public long bytesSent(int length) {
    return size == 1 ? 0 : 2L * (size - 1) * ((length + size - 1) / size) * format.bytesPerValue();
  }

  /** One allreduce. */
  private final class Round {
    private final long op;
    private final float[] data;
    private final int from;
    private final int to;
    private final List<Future<Void>> sends = new ArrayList<>();
    private final AtomicReference<Throwable> sendFailure = new AtomicReference<>();

    Round(long op, float[] data, int from, int to) {
      this.op = op;
      this.data = data;
      this.from = from;
      this.to = to;
    }

    void run() throws InterruptedException {
      int last = size - 2;
      for (int c = 0; c < chunks(rank); c++) {
        send(key(0, 0, c), rank, c);
      }
      for (int r = 0; r <= last; r++) {
        int s = Math.floorMod(rank - r - 1, size);
        for (int c = 0; c < chunks(s); c++) {
          Object piece = receive(key(0, r, c));
          int a = start(s) + c * CHUNK;
          int b = Math.min(end(s), a + CHUNK);
          add(piece, a, b);
          if (r < last) {
            send(key(0, r + 1, c), s, c);
          } else {
            finish(a, b);
            send(key(1, 0, c), s, c);
          }
        }
      }
      for (int r = 0; r <= last; r++) {
        int s = Math.floorMod(rank - r, size);
        for (int c = 0; c < chunks(s); c++) {
          Object piece = receive(key(1, r, c));
          int a = start(s) + c * CHUNK;
          copy(piece, a, Math.min(end(s), a + CHUNK));
          if (r < last) {
            sendPiece(key(1, r + 1, c), piece);
          }
        }
      }
      for (Future<Void> f : sends) {
        await(f, "a piece this member sent was not delivered");
      }
    }

    private int start(int s) {
      return from + (int) ((long) (to - from) * s / size);
    }

    private int end(int s) {
      return start(s + 1);
    }

    private int chunks(int s) {
      return Math.max(1, (end(s) - start(s) + CHUNK - 1) / CHUNK);
    }

    private long key(int phase, int round, int chunk) {
      return op << 24 | (long) phase << 23 | (long) round << 12 | chunk;
    }

    private void send(long key, int s, int c) {
      int a = start(s) + c * CHUNK;
      int b = Math.min(end(s), a + CHUNK);
      sendPiece(key, format == WireFormat.FP32 ? Arrays.copyOfRange(data, a, b) : WireFormat.toBf16(data, a, b));
    }

    private void sendPiece(long key, Object piece) {
      Throwable failed = sendFailure.get();
      if (failed != null) {
        throw new RingBrokenException("member " + rank + " of the ring could not send to the next: "
            + failed.getMessage(), failed);
      }
      Future<Void> sent = exchange.sendNext(key, piece);
      sent.onFailure(e -> sendFailure.compareAndSet(null, e));
      sends.add(sent);
    }

    private void add(Object piece, int a, int b) {
      if (piece instanceof float[] f) {
        check(f.length, a, b);
        for (int i = a; i < b; i++) {
          data[i] = f[i - a] + data[i];
        }
      } else if (piece instanceof char[] h) {
        check(h.length, a, b);
        for (int i = a; i < b; i++) {
          data[i] = WireFormat.fromBf16(h[i - a]) + data[i];
        }
      } else {
        throw new IllegalStateException("unexpected ring piece " + piece);
      }
    }

    private void copy(Object piece, int a, int b) {
      if (piece instanceof float[] f) {
        check(f.length, a, b);
        System.arraycopy(f, 0, data, a, b - a);
      } else if (piece instanceof char[] h) {
        check(h.length, a, b);
        for (int i = a; i < b; i++) {
          data[i] = WireFormat.fromBf16(h[i - a]);
        }
      } else {
        throw new IllegalStateException("unexpected ring piece " + piece);
      }
    }

    private void check(int length, int a, int b) {
      if (length != b - a) {
        throw new IllegalStateException("ring piece of " + length + " values for " + (b - a)
            + "; do all members reduce vectors of the same length?");
      }
    }

    /** The reduced sum of a piece becomes the mean; in bfloat16, the value every member will hold. */
    private void finish(int a, int b) {
      float scale = 1f / size;
      for (int i = a; i < b; i++) {
        data[i] *= scale;
      }
      if (format == WireFormat.BF16) {
        WireFormat.roundToBf16(data, a, b);
      }
    }

    private Object receive(long key) throws InterruptedException {
      return await(exchange.receive(key), "no piece came from the previous member");
    }

    private <T> T await(Future<T> f, String what) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      var stage = f.toCompletionStage().toCompletableFuture();
      while (true) {
        Throwable failed = sendFailure.get();
        if (failed != null) {
          throw new RingBrokenException("member " + rank + " of the ring could not send to the next: "
              + failed.getMessage(), failed);
        }
        try {
          return stage.get(Math.min(POLL_NANOS, Math.max(1, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new RingBrokenException("member " + rank + " of the ring: " + what + " within "
                + timeout.toSeconds() + " s", e);
          }
        } catch (ExecutionException e) {
          throw new RingBrokenException("member " + rank + " of the ring: " + what + " (" + e.getCause().getMessage()
              + ")", e.getCause());
        }
      }
    }
  }
}
