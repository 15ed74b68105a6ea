package ddl.train.feed;

/**
 * Where a worker's replica takes its training batches from: the shard it holds
 * ({@link PreloadedBatches}) or the batches the master streams to it ({@link StreamedBatches}).
 * Either way batch {@code (epoch, step)} holds the same rows, drawn by {@link ddl.train.feed.BatchPlan}.
 */
public interface BatchSource {
  /** Rows in the worker's training shard. */
  int shardRows();

  /**
   * Batch {@code step} of {@code epoch}. The arrays may be reused by the next call: read them
   * before asking for another batch.
   */
  Batch batch(int epoch, int step);
}
