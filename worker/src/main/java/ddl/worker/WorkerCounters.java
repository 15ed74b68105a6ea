package ddl.worker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** The worker-wide figures that {@code stats} reports. */
final class WorkerCounters {
  final AtomicInteger sessions = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicLong callsServed = new AtomicLong();
  final AtomicLong bytesIn = new AtomicLong();
  final AtomicLong bytesOut = new AtomicLong();
  final AtomicLong runawayCalls = new AtomicLong();
  /** Connections from masters or peers closed because they fell silent past three heartbeats. */
  final AtomicLong heartbeatsMissed = new AtomicLong();
  /** How long user calls take, queueing included; no-op unless the worker serves metrics. */
  volatile LongConsumer callNanos = nanos -> {};
}
