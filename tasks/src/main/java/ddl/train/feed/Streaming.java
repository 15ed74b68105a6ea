package ddl.train.feed;

/**
 * What a worker needs to take its batches from a stream instead of a shard it holds.
 *
 * @param shardRows rows of its shard, which stays on the master
 * @param prefetch batches its buffer holds
 * @param keep batches taken that stay at hand for a step run again (a ring broke mid-step)
 * @param waitMillis how long a step waits for its batch before it fails
 */
public record Streaming(int shardRows, int prefetch, int keep, long waitMillis) {
  /** The worker's buffer for this stream. */
  public StreamedBatches buffer() {
    return new StreamedBatches(shardRows, prefetch, keep, waitMillis);
  }
}
