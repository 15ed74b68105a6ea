package ddl.train.feed;

import java.util.SplittableRandom;

/**
 * Which rows of a worker's shard make up each batch: every epoch walks a fresh permutation of the
 * shard, drawn from the run's seed, the epoch and the worker, so that any process (a worker, a
 * test, a resumed run) gets the same batches. The rows left over after the last whole batch of an
 * epoch are skipped that epoch.
 */
public final class BatchPlan {
  private final int shardRows;
  private final int batch;
  private final long seed;
  private final int worker;
  private int cachedEpoch = -1;
  private int[] cachedOrder;

  public BatchPlan(int shardRows, int batch, long seed, int worker) {
    if (batch < 1 || shardRows < batch) {
      throw new IllegalArgumentException("a batch of " + batch + " rows does not fit in a shard of " + shardRows
          + " rows; use a smaller --batch, fewer --workers or more training rows");
    }
    this.shardRows = shardRows;
    this.batch = batch;
    this.seed = seed;
    this.worker = worker;
  }

  /** Whole batches per epoch in a shard of {@code shardRows} rows. */
  public static int stepsPerEpoch(int shardRows, int batch) {
    return shardRows / batch;
  }

  public int stepsPerEpoch() {
    return stepsPerEpoch(shardRows, batch);
  }

  /** The shard rows of batch {@code step} of {@code epoch}. */
  public synchronized int[] rows(int epoch, int step) {
    if (step < 0 || step >= stepsPerEpoch()) {
      throw new IndexOutOfBoundsException("step " + step + " is outside the " + stepsPerEpoch() + " steps of an epoch");
    }
    if (epoch != cachedEpoch) {
      cachedOrder = order(epoch);
      cachedEpoch = epoch;
    }
    int[] out = new int[batch];
    System.arraycopy(cachedOrder, step * batch, out, 0, batch);
    return out;
  }

  /** The permutation of the shard's rows that epoch {@code epoch} walks. */
  public int[] order(int epoch) {
    SplittableRandom random = new SplittableRandom(mix(seed, epoch, worker));
    int[] p = new int[shardRows];
    for (int i = 0; i < p.length; i++) {
      p[i] = i;
    }
    for (int i = p.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static long mix(long seed, int epoch, int worker) {
    long h = seed * 0x9E3779B97F4A7C15L;
    h ^= (epoch + 1L) * 0xC2B2AE3D27D4EB4FL;
    h ^= (worker + 1L) * 0x165667B19E3779F9L;
    return h;
  }
}
