package ddl.train.feed;

import ddl.train.data.Dataset;
import ddl.transport.TransportConfig;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * A run's choice to stream its batches ({@code --data-feed stream}) and how.
 *
 * @param prefetch batches sent to a worker and not yet taken, at most ({@code --prefetch})
 * @param keep batches a worker keeps after taking them, for a round run again (the local steps of
 *     one model-averaging round, else 1)
 * @param augmentation what is done to the images on the way ({@code --augment})
 * @param epochs epochs of the whole run
 * @param imageShape one example's shape, height, width, channels
 */
public record FeedOptions(int prefetch, int keep, Augmentation augmentation, int epochs, int[] imageShape) {

  /**
   * How long a worker waits for a batch, and holds a push's reply waiting for room: as long as a
   * ring member waits for a piece (the larger of six heartbeat intervals and three connect
   * timeouts, 30 s by default), and at most half the call deadline, so that a reply always comes
   * before the call's own deadline.
   */
  public static long waitMillis(TransportConfig transport) {
    long wait = Math.max(6 * transport.heartbeatInterval().toMillis(), 3 * transport.connectTimeout().toMillis());
    return Math.min(wait, transport.callTimeout().dividedBy(2).toMillis());
  }

  /** What worker {@code shard}'s setup carries instead of its rows. */
  public Streaming streaming(Dataset shard, TransportConfig transport) {
    return new Streaming(shard.rows(), prefetch, keep, waitMillis(transport));
  }

  /** An empty training set with {@code like}'s shape: what a setup carries instead of a streamed shard. */
  public static Dataset noRows(Dataset like) {
    return new Dataset(new float[0], new int[0], 0, like.features(), like.classes());
  }

  /**
   * The feed of {@code shards}; {@code stepsPerEpoch} tells the steps of an epoch (they change
   * when the rows are shared out again).
   */
  public DataFeed feed(List<Dataset> shards, int batch, long seed, IntSupplier stepsPerEpoch,
      TransportConfig transport, BatchSink sink, java.util.function.BiConsumer<Integer, Throwable> stopped) {
    FeedPlan plan = new FeedPlan(batch, seed, stepsPerEpoch, epochs, prefetch, augmentation, imageShape[1],
        imageShape[0], waitMillis(transport));
    return new DataFeed(shards, plan, sink, stopped);
  }
}
