package ddl.train.driver;

import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * The staleness rule: a worker that has finished {@code c} steps may start its next one only
 * while {@code c - min(finished) <= bound}, so the fastest worker is at most {@code bound} steps
 * ahead of the slowest. A bound of 0 makes the workers move in lock step; a negative bound means
 * no bound (fully asynchronous). A lost worker is {@link #remove removed}: the rule then holds among
 * the others. Bookkeeping only: not thread-safe, its user holds a lock.
 */
public final class StalenessGate {
  private final int bound;
  private final long[] finished;
  private final boolean[] removed;

  /** A gate for {@code workers} workers; {@code bound < 0} means unbounded. */
  public StalenessGate(int workers, int bound) {
    if (workers < 1) {
      throw new IllegalArgumentException("a staleness gate needs at least one worker; got " + workers);
    }
    this.bound = bound;
    this.finished = new long[workers];
    this.removed = new boolean[workers];
  }

  /** Parses {@code --staleness}: a whole number >= 0, or {@code inf}, {@code unbounded} or a negative number. */
  public static int parseBound(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
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

  /** Whether {@code worker} may start its next step now. */
  public boolean mayStart(int worker) {
    if (bound < 0) {
      return true;
    }
    return finished[worker] - slowest() <= bound;
  }

  /** Takes a lost worker out of the rule: from now on nobody waits for it. */
  public void remove(int worker) {
    removed[worker] = true;
  }

  /** Whether {@code worker} was removed. */
  public boolean removed(int worker) {
    return removed[worker];
  }

  /** Records that {@code worker} finished a step. */
  public void finished(int worker) {
    finished[worker]++;
  }

  /** How many steps the fastest worker is ahead of the slowest. */
  public long spread() {
    return fastest() - slowest();
  }

  private long slowest() {
    return active().min().orElse(0);
  }

  private long fastest() {
    return active().max().orElse(0);
  }

  /** The finished counts of the workers not removed. */
  private LongStream active() {
    return IntStream.range(0, finished.length).filter(w -> !removed[w]).mapToLong(w -> finished[w]);
  }

  /** Steps each worker has finished. */
  public long[] finishedSteps() {
    return finished.clone();
  }
}
