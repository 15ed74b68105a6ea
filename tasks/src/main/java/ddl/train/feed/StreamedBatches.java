package ddl.train.feed;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The worker's end of a streamed feed: a buffer of at most {@code capacity} batches that the
 * master's {@link WorkerFeed} fills and the replica empties in order (pushes are calls, which run
 * on several threads, so the buffer puts them back in order). A push that fills the buffer
 * is answered only when the replica has taken a batch (or after the push's wait), so its reply is
 * the feed's credit for one more; the feed never has more than {@code capacity} batches sent and
 * not taken, and a worker that computes slowly slows its own feed. The last {@code keep} batches
 * taken stay at hand, for a step that is run again after a ring broke. Thread-safe.
 */
public final class StreamedBatches implements BatchSource {
  private final int shardRows;
  private final int capacity;
  private final int keep;
  private final long waitMillis;
  /** Batches received and not taken, by position: pushes run on several threads, so they may arrive out of order. */
  private final TreeMap<Long, Batch> buffer = new TreeMap<>();
  private final ArrayDeque<Batch> recent = new ArrayDeque<>();
  private long generation;
  private long taken;
  private long received;

  /**
   * @param shardRows rows of the worker's shard (which stays on the master)
   * @param capacity batches the buffer holds: the run's {@code --prefetch}
   * @param keep batches taken that stay at hand for a step run again
   * @param waitMillis how long {@link #batch} waits for a batch before it gives up
   */
  public StreamedBatches(int shardRows, int capacity, int keep, long waitMillis) {
    if (capacity < 1 || keep < 1 || waitMillis < 1) {
      throw new IllegalArgumentException("a streamed buffer needs capacity, keep and wait >= 1, not " + capacity + ", "
          + keep + ", " + waitMillis);
    }
    this.shardRows = shardRows;
    this.capacity = capacity;
    this.keep = keep;
    this.waitMillis = waitMillis;
  }

  @Override
  public int shardRows() {
    return shardRows;
  }

  /**
   * Takes {@code push}'s batch into the buffer (a new generation empties it first) and answers
   * once there is room for another, or after the push's wait. An older generation's push is
   * dropped. Fails if the feed sent more than its credit.
   */
  public synchronized Credit push(Push push) throws InterruptedException {
    if (push.generation() != generation) {
      if (push.generation() < generation) {
        return new Credit(push.generation(), 0);
      }
      generation = push.generation();
      buffer.clear();
      taken = 0;
      notifyAll();
    }
    if (push.batch() != null) {
      if (buffer.size() >= capacity) {
        throw new IllegalStateException("the feed sent batch " + name(push.batch()) + " to a full buffer of " + capacity
            + " batches: it overran its credit");
      }
      buffer.put(position(push.batch().epoch(), push.batch().step()), push.batch());
      received++;
      notifyAll();
    }
    long deadline = System.nanoTime() + push.waitMillis() * 1_000_000;
    while (buffer.size() >= capacity && generation == push.generation()) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return new Credit(push.generation(), generation == push.generation() ? taken : 0);
  }

  /**
   * Batch {@code step} of {@code epoch}: from the batches taken last (a step run again), else the
   * buffer's next, skipping older ones the replica will not ask for, waiting for it up to this
   * buffer's wait.
   */
  @Override
  public synchronized Batch batch(int epoch, int step) {
    for (Batch b : recent) {
      if (b.is(epoch, step)) {
        return b;
      }
    }
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    long wanted = position(epoch, step);
    while (true) {
      while (!buffer.isEmpty() && buffer.firstKey() < wanted) {
        take(); // a batch this replica will not ask for any more
      }
      if (!buffer.isEmpty() && buffer.firstKey() == wanted) {
        return take();
      }
      if (buffer.size() >= capacity) {
        throw new IllegalStateException("batch " + name(epoch, step) + " was not streamed to this worker: its buffer"
            + " is full of later ones, from " + name(buffer.firstEntry().getValue()) + "; was this worker's replica"
            + " set up again without its feed restarting?");
      }
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new IllegalStateException(String.format(Locale.ROOT, "batch %s did not arrive from the master's data"
            + " feed within %.0f s (%d batches received, %d taken); the feed stopped or the master is overloaded",
            name(epoch, step), waitMillis / 1e3, received, taken));
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for batch " + name(epoch, step), e);
      }
    }
  }

  /** Batches in the buffer now (received, not taken). */
  public synchronized int buffered() {
    return buffer.size();
  }

  private static long position(int epoch, int step) {
    return ((long) epoch << 32) | step;
  }

  private Batch take() {
    Batch b = buffer.pollFirstEntry().getValue();
    taken++;
    recent.addLast(b);
    while (recent.size() > keep) {
      recent.removeFirst();
    }
    notifyAll();
    return b;
  }

  private static String name(Batch b) {
    return name(b.epoch(), b.step());
  }

  private static String name(int epoch, int step) {
    return "(epoch " + (epoch + 1) + ", step " + (step + 1) + ")";
  }
}
