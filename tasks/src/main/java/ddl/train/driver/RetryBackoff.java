package ddl.train.driver;

import java.util.function.LongSupplier;

/**
 * When to try a lost worker again: at once (the next epoch start) after it is lost, then after
 * each failed try wait twice as long as before, from {@code first} up to {@code max}. Bookkeeping
 * only: not thread-safe, its user holds a lock.
 */
final class RetryBackoff {
  private final long firstNanos;
  private final long maxNanos;
  private final LongSupplier clock;
  private final long[] nextTry;
  private final long[] delay;

  RetryBackoff(int workers, long firstNanos, long maxNanos, LongSupplier clock) {
    this.firstNanos = firstNanos;
    this.maxNanos = maxNanos;
    this.clock = clock;
    this.nextTry = new long[workers];
    this.delay = new long[workers];
  }

  /** {@code worker} was just lost: try it at the next chance. */
  void reset(int worker) {
    nextTry[worker] = clock.getAsLong();
    delay[worker] = firstNanos;
  }

  /** Whether it is time to try {@code worker} again. */
  boolean due(int worker) {
    return clock.getAsLong() - nextTry[worker] >= 0;
  }

  /** A try failed; returns the nanoseconds until the next one. */
  long failed(int worker) {
    long wait = delay[worker];
    nextTry[worker] = clock.getAsLong() + wait;
    delay[worker] = Math.min(maxNanos, wait * 2);
    return wait;
  }
}
