package ddl.train.feed;

import ddl.train.data.Dataset;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * The feed of one worker: its batches, in the order {@link BatchPlan} gives over its shard,
 * augmented, sent while fewer than {@code prefetch} are sent and not yet taken (the worker's
 * replies say how many it took). All its state is touched only on {@code executor}, one thread.
 * It stops when a send fails (the worker is lost) and starts again, as a new generation, where the
 * worker's next step asks.
 */
final class WorkerFeed {
  private final int worker;
  private Dataset shard;
  /** The batches of {@link #shard}; null while the worker has no rows (it has not joined yet). */
  private BatchPlan plan;
  /** Steps of the epoch the feed is in. */
  private int steps;
  private final FeedPlan feed;
  private final BatchSink sink;
  private final Executor executor;
  private final LongAdder bytes;
  private final BiConsumer<Integer, Throwable> stopped;
  private long generation;
  private boolean running;
  private int epoch;
  private int step;
  private long sent;
  private long taken;
  private int outstanding;

  WorkerFeed(int worker, Dataset shard, FeedPlan feed, BatchSink sink, Executor executor, LongAdder bytes,
      BiConsumer<Integer, Throwable> stopped) {
    this.worker = worker;
    this.feed = feed;
    use(shard);
    this.sink = sink;
    this.executor = executor;
    this.bytes = bytes;
    this.stopped = stopped;
  }

  /**
   * Streams batches of {@code rows} from now on (the master shared the training rows out again):
   * stops the feed and empties the worker's buffer of batches of its old rows; the future says when
   * the worker has done so. The feed starts again, on the new rows, where the worker's next step
   * asks (call on the executor).
   */
  Future<Void> reshard(Dataset rows) {
    stop();
    use(rows);
    return sink.push(worker, new Push(generation, null, 0)).mapEmpty();
  }

  private void use(Dataset rows) {
    shard = rows;
    plan = rows.rows() >= feed.batch() ? new BatchPlan(rows.rows(), feed.batch(), feed.seed(), worker) : null;
  }

  /** Starts the feed at batch {@code (epoch, step)} unless it is running (call on the executor). */
  void ensureAt(int epoch, int step) {
    if (running || plan == null) {
      return;
    }
    generation++;
    running = true;
    this.epoch = epoch;
    this.step = step;
    steps = feed.stepsPerEpoch().getAsInt();
    sent = 0;
    taken = 0;
    outstanding = 0;
    pump();
  }

  /** Stops the feed; replies still on their way are ignored (call on the executor). */
  void stop() {
    running = false;
    generation++;
  }

  /** Whether it is sending (or may send) batches. */
  boolean running() {
    return running;
  }

  /** Batches sent since the feed last started. */
  long sent() {
    return sent;
  }

  private void pump() {
    while (running && epoch < feed.epochs() && step < steps && sent < taken + feed.prefetch()) {
      Batch b = PreloadedBatches.copy(shard, plan.rows(epoch, step), epoch, step,
          new float[feed.batch() * shard.features()], new int[feed.batch()]);
      feed.augmentation().apply(b, feed.imageWidth(), feed.imageHeight(), feed.seed(), worker);
      sent++;
      bytes.add(b.bytes());
      send(b);
      if (++step == steps) {
        step = 0;
        epoch++;
        steps = feed.stepsPerEpoch().getAsInt();
      }
    }
    if (running && epoch < feed.epochs() && step < steps && outstanding == 0) {
      // Every credit is spent and no reply is due (the last one came before the worker had room):
      // ask to hear when it has.
      send(null);
    }
  }

  private void send(Batch b) {
    long g = generation;
    outstanding++;
    sink.push(worker, new Push(g, b, feed.waitMillis())).onComplete(ar -> executor.execute(() -> replied(g, ar)));
  }

  private void replied(long g, AsyncResult<Credit> ar) {
    if (g != generation || !running) {
      return;
    }
    outstanding--;
    if (ar.failed()) {
      stop();
      stopped.accept(worker, ar.cause());
      return;
    }
    taken = Math.max(taken, ar.result().taken());
    pump();
  }
}
