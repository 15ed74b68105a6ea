package ddl.worker;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.ToDoubleFunction;

/**
 * The worker's own Prometheus meters: calls served and their latency, bytes in and out, sessions,
 * calls running, heartbeats missed, runaway calls. Names come out as {@code ddl_worker_*} in base
 * units, counters with {@code _total}.
 */
final class WorkerMetrics {
  /** Histogram bucket bounds of call latency: 100 µs to 2 minutes. */
  private static final Duration[] BUCKETS = java.util.stream.LongStream.of(100, 1_000, 5_000, 10_000, 50_000,
      100_000, 500_000, 1_000_000, 5_000_000, 30_000_000, 120_000_000).mapToObj(Duration::ofNanos)
      .map(d -> d.multipliedBy(1000)).toArray(Duration[]::new);

  private WorkerMetrics() {}

  static void bind(MeterRegistry registry, WorkerServer server, WorkerCounters counters) {
    counter(registry, "ddl.worker.calls", null, "requests answered (calls, pings, stats, shipping)",
        c -> c.callsServed.get(), counters);
    counter(registry, "ddl.worker.received", "bytes", "bytes received from masters and other workers",
        c -> server.stats().bytesIn(), counters);
    counter(registry, "ddl.worker.sent", "bytes", "bytes sent to masters and other workers",
        c -> server.stats().bytesOut(), counters);
    counter(registry, "ddl.worker.heartbeats.missed", null,
        "connections closed because the peer was silent for three heartbeat intervals",
        c -> c.heartbeatsMissed.get(), counters);
    counter(registry, "ddl.worker.runaway.calls", null, "cancelled calls that kept running",
        c -> c.runawayCalls.get(), counters);
    Gauge.builder("ddl.worker.sessions", counters, c -> c.sessions.get())
        .description("masters connected (open sessions)").register(registry);
    Gauge.builder("ddl.worker.calls.running", counters, c -> Math.max(0, c.inFlight.get()))
        .description("requests being handled now").register(registry);
    Gauge.builder("ddl.worker.shutting.down", server, s -> s.shuttingDown() ? 1 : 0)
        .description("1 once a shutdown has begun").register(registry);
    Timer calls = Timer.builder("ddl.worker.call.duration")
        .description("time from receiving a user call to its end, queueing included")
        .serviceLevelObjectives(BUCKETS).register(registry);
    counters.callNanos = nanos -> calls.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private static void counter(MeterRegistry registry, String name, String unit, String description,
      ToDoubleFunction<WorkerCounters> value, WorkerCounters counters) {
    FunctionCounter.builder(name, counters, value).baseUnit(unit).description(description).register(registry);
  }
}
