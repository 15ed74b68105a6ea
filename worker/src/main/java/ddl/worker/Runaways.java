package ddl.worker;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Watches calls that were cancelled (deadline, cancel, session closed) but keep running because
 * they never look at their interrupt: each is counted and logged with where it runs once it has
 * ignored its cancellation for a heartbeat interval ({@code transport.heartbeat_seconds}); when one has done so for the configured
 * grace ({@code transport.runaway_grace_seconds}), the worker leaves with exit code
 * {@value #EXIT_CODE}, so that its supervisor starts a fresh one.
 */
final class Runaways {
  /** The exit code that asks the supervisor for a restart. */
  static final int EXIT_CODE = WorkerExit.RESTART;
  private static final Logger LOG = Logger.getLogger(Runaways.class.getName());

  private final String worker;
  private final long noticeNanos;
  private final long graceNanos;
  private final WorkerCounters counters;
  private final UserThreads threads;
  private final Runnable leave;
  private final Set<RunningCall> cancelled = ConcurrentHashMap.newKeySet();
  private final Set<RunningCall> noticed = ConcurrentHashMap.newKeySet();

  Runaways(String worker, long noticeNanos, long graceNanos, WorkerCounters counters, UserThreads threads,
      Runnable leave) {
    this.worker = worker;
    this.noticeNanos = noticeNanos;
    this.graceNanos = graceNanos;
    this.counters = counters;
    this.threads = threads;
    this.leave = leave;
  }

  /** A call was cancelled; watch it until it ends. */
  void watch(RunningCall call) {
    if (!call.done()) {
      cancelled.add(call);
    }
  }

  /** Calls cancelled but still running for a while. */
  int running() {
    return noticed.size();
  }

  /** Checks the watched calls; run every second or so. */
  void check() {
    long now = System.nanoTime();
    for (RunningCall call : cancelled) {
      if (call.done()) {
        cancelled.remove(call);
        if (noticed.remove(call)) {
          threads.replaced(-1);
        }
        continue;
      }
      long ignored = now - call.cancelledAt();
      if (ignored > noticeNanos && noticed.add(call)) {
        counters.runawayCalls.incrementAndGet();
        threads.replaced(1); // its thread is lost to other calls until it ends: add one
        LOG.warning("worker " + worker + ": " + call.what + " of " + call.session + " ignores being cancelled "
            + TimeUnit.NANOSECONDS.toSeconds(ignored) + " s ago and still runs at " + call.where()
            + "; the worker leaves for a restart if it runs " + TimeUnit.NANOSECONDS.toSeconds(graceNanos)
            + " s past its cancellation (transport.runaway_grace_seconds)");
      }
      if (ignored > graceNanos) {
        LOG.severe("worker " + worker + ": " + call.what + " still runs " + TimeUnit.NANOSECONDS.toSeconds(ignored)
            + " s after it was cancelled (at " + call.where() + "); leaving with exit code " + EXIT_CODE
            + " so that the supervisor starts a fresh worker");
        leave.run();
        return;
      }
    }
  }
}
