package ddl.master.train;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds how far the fastest worker may run ahead of the slowest: a worker that has finished
 * {@code c} steps may start its next one only while {@code c - min(finished) <= bound}. A bound of
 * 0 makes the workers move in lock step; a negative bound means no bound (fully asynchronous).
 */
public final class StalenessGate {
  private final int bound;
  private final long[] finished;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private Throwable failure;

  /** A gate for {@code workers} workers; {@code bound < 0} means unbounded. */
  public StalenessGate(int workers, int bound) {
    if (workers < 1) {
      throw new IllegalArgumentException("a staleness gate needs at least one worker; got " + workers);
    }
    this.bound = bound;
    this.finished = new long[workers];
  }

  /** Parses {@code --staleness}: a whole number >= 0, or {@code inf}, {@code unbounded} or a negative number. */
  public static int parseBound(String text) {
    String t = text.strip().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("inf") || t.equals("infinity") || t.equals("unbounded") || t.equals("none")) {
      return -1;
    }
    try {
      return Math.max(-1, Integer.parseInt(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--staleness needs a whole number of steps (0 = synchronous) or inf; got '"
          + text + "'");
    }
  }

  /** Whether there is no bound. */
  public boolean unbounded() {
    return bound < 0;
  }

  public int bound() {
    return bound;
  }

  /**
   * Waits until {@code worker} may start its next step; returns the nanoseconds waited. Throws if
   * another worker failed meanwhile (see {@link #fail}).
   */
  public long awaitTurn(int worker) throws InterruptedException {
    long start = System.nanoTime();
    lock.lock();
    try {
      while (failure == null && !mayStart(worker)) {
        changed.await(1, TimeUnit.SECONDS);
      }
      if (failure != null) {
        throw new IllegalStateException("training stopped: another worker failed: " + failure.getMessage(), failure);
      }
    } finally {
      lock.unlock();
    }
    return System.nanoTime() - start;
  }

  /** Records that {@code worker} finished a step and wakes the workers waiting for it. */
  public void finished(int worker) {
    lock.lock();
    try {
      finished[worker]++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops every waiting and later {@link #awaitTurn} with this failure. */
  public void fail(Throwable cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Steps each worker has finished. */
  public long[] finishedSteps() {
    lock.lock();
    try {
      return finished.clone();
    } finally {
      lock.unlock();
    }
  }

  private boolean mayStart(int worker) {
    if (bound < 0) {
      return true;
    }
    long min = Arrays.stream(finished).min().orElse(0);
    return finished[worker] - min <= bound;
  }
}
