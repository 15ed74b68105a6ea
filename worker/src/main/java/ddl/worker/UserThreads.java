package ddl.worker;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform threads user calls run on: a fixed number ({@link #BASE}, four per core, at least
 * eight), so that thousands of pipelined calls queue instead of each taking a thread, plus one for
 * every runaway call (one that keeps running after it was cancelled), so that runaways cannot
 * take the threads other calls need. Platform threads, unlike virtual ones, are preempted: a call
 * that never yields cannot starve the virtual threads and event loops that serve pings,
 * heartbeats and class shipping.
 */
final class UserThreads extends ThreadPoolExecutor {
  static final int BASE = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
  private static final AtomicInteger NUMBERS = new AtomicInteger();
  private int extra;

  UserThreads() {
    super(BASE, BASE, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "ddl-call-" + NUMBERS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** A runaway started ({@code +1}) or ended ({@code -1}): grow or shrink the pool by one. */
  synchronized void replaced(int delta) {
    extra = Math.max(0, extra + delta);
    int size = BASE + extra;
    if (delta > 0) {
      setMaximumPoolSize(size);
      setCorePoolSize(size);
    } else {
      setCorePoolSize(size);
      setMaximumPoolSize(size);
    }
  }
}
