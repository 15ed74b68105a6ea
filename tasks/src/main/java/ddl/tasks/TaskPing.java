package ddl.tasks;

import ddl.master.Cluster;
import ddl.master.ProxyWorker;
import ddl.train.RunRecord;
import ddl.transport.RemoteFunction;
import ddl.transport.cli.Range;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures the transport against worker 0: sequential round-trip latency, pipelined calls per
 * second on one connection, and bulk {@code float[]} round trips of 1, 16 and 64 MiB.
 */
public final class TaskPing {
  /** The sizes of the bulk round trips, in MiB. */
  static final int[] BULK_MIB = {1, 16, 64};

  private TaskPing() {}

  public static void main(String[] args) {
    TaskMain.run(() -> run(args));
  }

  /** The flags of {@code scripts/task ping}. */
  @Command(description = "Measures round-trip latency, pipelined calls/s and bulk transfer on one worker connection.")
  static final class Flags {
    @Mixin
    TaskOptions task;
    @Option(names = "--seq", paramLabel = "N", description = "sequential pings (default ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000_000)
    int seq = 20_000;
    @Option(names = "--pipelined", paramLabel = "N", description = "pipelined calls (default ${DEFAULT-VALUE})")
    @Range(min = 1, max = 1_000_000_000)
    int pipelined = 300_000;
    @Option(names = "--window", paramLabel = "N",
        description = "calls kept in flight while pipelining (default ${DEFAULT-VALUE})")
    @Range(min = 1, max = 1_000_000)
    int window = 4096;
    @Option(names = "--bulk-rounds", paramLabel = "N",
        description = "round trips per bulk size (default ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000)
    int bulkRounds = 7;
  }

  static void run(String[] args) {
    Flags flags = TaskOptions.parse("ping", new Flags(), args);
    if (flags == null) {
      return;
    }
    TaskOptions options = flags.task;
    RunRecord record = new RunRecord("ping");
    record.put("parameters", options.values());
    try (Cluster cluster = options.connect()) {
      ProxyWorker worker = cluster.worker(0);
      record.put("worker", worker.address());
      System.out.println("measuring against " + worker);
      measure(worker, flags.seq, flags.pipelined, flags.window, flags.bulkRounds).forEach(record::put);
    }
    Path file = record.write(Path.of("runs"));
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("sequential round trip p50 / p99", record.fields().get("seq_p50_us") + " / "
        + record.fields().get("seq_p99_us") + " us  (callbacks on the event loop)");
    rows.put("sequential with await() p50 / p99", record.fields().get("seq_await_p50_us") + " / "
        + record.fields().get("seq_await_p99_us") + " us  (a blocked thread woken per reply)");
    rows.put("pipelined pings", String.format("%,d calls/s", (long) record.fields().get("pipelined_calls_per_s")));
    rows.put("pipelined lambda calls", String.format("%,d calls/s", (long) record.fields().get("pipelined_invokes_per_s")));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> bulkRows = (Map<String, Map<String, Object>>) record.fields().get("bulk");
    bulkRows.forEach((size, m) -> rows.put("bulk float[] " + size + " round trip",
        m.get("median_ms") + " ms median, " + m.get("gb_per_s") + " GB/s each way"));
    RunRecord.printTable("ping results (" + file + "):", rows);
  }

  /**
   * Measures {@code worker}: sequential round trips (chained callbacks and blocking awaits),
   * pipelined pings and lambda calls, bulk {@code float[]} echoes of 1, 16 and 64 MiB; the figures
   * by their run-record names.
   */
  static Map<String, Object> measure(ProxyWorker worker, int seq, int pipelined, int window, int bulkRounds) {
    Map<String, Object> m = new LinkedHashMap<>();
    long[] chained = sequentialChained(worker, seq);
    long[] awaited = sequentialAwaited(worker, Math.min(seq, 5000));
    m.put("seq_p50_us", micros(percentile(chained, 50)));
    m.put("seq_p99_us", micros(percentile(chained, 99)));
    m.put("seq_await_p50_us", micros(percentile(awaited, 50)));
    m.put("seq_await_p99_us", micros(percentile(awaited, 99)));

    pipelinedPings(worker, Math.min(pipelined, 50_000), window); // warm-up
    double pingsPerSecond = pipelinedPings(worker, pipelined, window);
    RemoteFunction<Integer, Integer> increment = (ctx, x) -> x + 1;
    pipelinedCalls(worker, increment, Math.min(pipelined, 50_000) / 2, window); // warm-up and ship
    double callsPerSecond = pipelinedCalls(worker, increment, pipelined / 2, window);
    m.put("pipelined_calls_per_s", Math.round(pingsPerSecond));
    m.put("pipelined_invokes_per_s", Math.round(callsPerSecond));

    Map<String, Object> bulk = new LinkedHashMap<>();
    RemoteFunction<float[], float[]> echo = (ctx, a) -> a;
    for (int mib : BULK_MIB) {
      bulk.put(mib + "MiB", bulkRoundTrip(worker, echo, mib, bulkRounds));
    }
    m.put("bulk", bulk);
    return m;
  }

  /** Each ping sent from the previous reply's callback: the transport's own latency. */
  private static long[] sequentialChained(ProxyWorker worker, int count) {
    int warmup = Math.min(count, 5000);
    long[] times = new long[count];
    Promise<Void> done = Promise.promise();
    AtomicInteger i = new AtomicInteger(-warmup);
    chain(worker, times, i, count, done);
    done.future().await();
    return times;
  }

  private static void chain(ProxyWorker worker, long[] times, AtomicInteger i, int count, Promise<Void> done) {
    worker.ping().onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      int n = i.getAndIncrement();
      if (n >= 0) {
        times[n] = ar.result();
      }
      if (n + 1 >= count) {
        done.complete();
      } else {
        chain(worker, times, i, count, done);
      }
    });
  }

  private static long[] sequentialAwaited(ProxyWorker worker, int count) {
    for (int i = 0; i < 1000; i++) {
      worker.ping().await();
    }
    long[] times = new long[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      worker.ping().await();
      times[i] = System.nanoTime() - start;
    }
    return times;
  }

  private static double pipelinedPings(ProxyWorker worker, int count, int window) {
    return pipelined(count, window, worker::ping);
  }

  private static double pipelinedCalls(ProxyWorker worker, RemoteFunction<Integer, Integer> f, int count, int window) {
    AtomicInteger n = new AtomicInteger();
    return pipelined(count, window, () -> worker.call(f, n.incrementAndGet()));
  }

  /** Keeps {@code window} calls in flight until {@code count} have been answered; calls per second. */
  private static double pipelined(int count, int window, java.util.function.Supplier<Future<?>> send) {
    java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(window);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(count);
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    long start = System.nanoTime();
    int sent = 0;
    for (; sent < count && failure.get() == null; sent++) {
      permits.acquireUninterruptibly();
      send.get().onComplete(ar -> {
        if (ar.failed()) {
          failure.compareAndSet(null, ar.cause());
        }
        permits.release();
        done.countDown();
      });
    }
    for (int i = sent; i < count; i++) {
      done.countDown();
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a pipelined call failed: " + failure.get().getMessage(), failure.get());
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static Map<String, Object> bulkRoundTrip(ProxyWorker worker, RemoteFunction<float[], float[]> echo,
      int mib, int rounds) {
    float[] data = new float[mib * 1024 * 1024 / Float.BYTES];
    SplittableRandom random = new SplittableRandom(mib);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextGaussian();
    }
    worker.call(echo, data).await(); // warm-up
    long[] times = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      float[] back = worker.call(echo, data).await();
      times[r] = System.nanoTime() - start;
      if (back.length != data.length || back[back.length - 1] != data[data.length - 1]) {
        throw new IllegalStateException("bulk echo of " + mib + " MiB came back different");
      }
    }
    long median = percentile(times, 50);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bytes", (long) data.length * Float.BYTES);
    m.put("median_ms", Math.round(median / 1e4) / 100.0);
    m.put("gb_per_s", Math.round(data.length * 4.0 / median * 100) / 100.0);
    return m;
  }

  static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static double micros(long nanos) {
    return Math.round(nanos / 100.0) / 10.0;
  }

}
