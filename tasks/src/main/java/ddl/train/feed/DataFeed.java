package ddl.train.feed;

import ddl.train.data.Dataset;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * The master's data feed: streams each worker the batches of its shard with bounded prefetch (see
 * {@link WorkerFeed}), one thread of its own drawing and augmenting them. A worker's feed starts
 * where the worker's first step asks (the first epoch, the epoch a resumed run starts at, or the
 * epoch a rejoined worker comes back at), and stops when the worker is lost.
 */
public final class DataFeed implements AutoCloseable {
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "data-feed");
    t.setDaemon(true);
    return t;
  });
  private final List<WorkerFeed> feeds = new ArrayList<>();
  private final LongAdder bytes = new LongAdder();

  /**
   * A feed of {@code shards.get(w)} to worker {@code w} through {@code sink}; {@code stopped}
   * hears of a worker whose feed stopped because a send failed.
   */
  public DataFeed(List<Dataset> shards, FeedPlan plan, BatchSink sink, BiConsumer<Integer, Throwable> stopped) {
    for (int w = 0; w < shards.size(); w++) {
      feeds.add(new WorkerFeed(w, shards.get(w), plan, sink, thread, bytes, stopped));
    }
  }

  /** Worker {@code worker} is about to take batch {@code (epoch, step)}: start its feed there unless it runs. */
  public void at(int worker, int epoch, int step) {
    thread.execute(() -> feeds.get(worker).ensureAt(epoch, step));
  }

  /**
   * Worker {@code worker}'s batches come from {@code rows} from its next step on (the rows were
   * shared out again); the future completes once the worker has dropped the batches of its old
   * rows still in its buffer, and fails if the worker is lost.
   */
  public Future<Void> reshard(int worker, Dataset rows) {
    Promise<Void> done = Promise.promise();
    thread.execute(() -> feeds.get(worker).reshard(rows).onComplete(done));
    return done.future();
  }

  /** Stops worker {@code worker}'s feed (it is being set up again); its next step starts it anew. */
  public void stop(int worker) {
    thread.execute(() -> feeds.get(worker).stop());
  }

  /** Bytes of batches (images and labels) sent so far. */
  public long bytesStreamed() {
    return bytes.sum();
  }

  /** Batches sent to worker {@code worker} since its feed last started (waits for the feed's thread). */
  public long sent(int worker) {
    return onThread(() -> feeds.get(worker).sent());
  }

  /** Whether worker {@code worker}'s feed runs (waits for the feed's thread). */
  public boolean running(int worker) {
    return onThread(() -> feeds.get(worker).running());
  }

  private <T> T onThread(java.util.concurrent.Callable<T> read) {
    try {
      return thread.submit(read).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the data feed's thread did not answer: " + e, e);
    }
  }

  /** Stops every feed and its thread. */
  @Override
  public void close() {
    thread.execute(() -> feeds.forEach(WorkerFeed::stop));
    thread.shutdown();
  }
}
