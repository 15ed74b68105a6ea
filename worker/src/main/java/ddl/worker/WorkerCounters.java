package ddl.worker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The worker-wide figures that {@code stats} reports. */
final class WorkerCounters {
  final AtomicInteger sessions = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicLong callsServed = new AtomicLong();
  final AtomicLong bytesIn = new AtomicLong();
  final AtomicLong bytesOut = new AtomicLong();
  final AtomicLong runawayCalls = new AtomicLong();
}
