package ddl.train.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.train.data.Dataset;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The master's data feed against workers' buffers in this process: the streamed batches are the
 * preloaded ones, a worker that takes nothing never has more than {@code --prefetch} batches sent to
 * it, and a feed whose worker was lost stops and starts again where the worker's next step asks.
 */
class DataFeedTest {
  private static final int BATCH = 8;
  private static final int EPOCHS = 3;
  private static final long SEED = 11;
  private final ExecutorService pushThreads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pushThreads.shutdownNow();
  }

  /** A data set of {@code rows} random 28x28 images. */
  static Dataset images(int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[rows * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    int[] y = new int[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = r.nextInt(10);
    }
    return new Dataset(x, y, rows, 784, 10);
  }

  private static FeedPlan plan(int stepsPerEpoch, int prefetch, Augmentation augmentation) {
    return new FeedPlan(BATCH, SEED, () -> stepsPerEpoch, EPOCHS, prefetch, augmentation, 28, 28, 2_000);
  }

  /** A sink that hands each push to worker {@code w}'s buffer on a thread of its own, as a worker's call would run. */
  private BatchSink into(List<StreamedBatches> buffers) {
    return (w, push) -> {
      Promise<Credit> reply = Promise.promise();
      pushThreads.execute(() -> {
        try {
          reply.complete(buffers.get(w).push(push));
        } catch (Throwable e) {
          reply.fail(e);
        }
      });
      return reply.future();
    };
  }

  @Test
  void streamedBatchesAreThePreloadedOnesInTheSameOrder() {
    Dataset data = images(100, 1);
    List<Dataset> shards = List.of(data.shard(0, 2), data.shard(1, 2));
    int steps = BatchPlan.stepsPerEpoch(50, BATCH);
    List<StreamedBatches> buffers = List.of(new StreamedBatches(50, 3, 1, 5_000), new StreamedBatches(50, 3, 1, 5_000));
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    try (DataFeed feed = new DataFeed(shards, plan(steps, 3, Augmentation.NONE), into(buffers),
        (w, e) -> failures.add(e))) {
      for (int w = 0; w < 2; w++) {
        PreloadedBatches preloaded = new PreloadedBatches(shards.get(w), new BatchPlan(50, BATCH, SEED, w), BATCH);
        feed.at(w, 0, 0);
        for (int e = 0; e < EPOCHS; e++) {
          for (int s = 0; s < steps; s++) {
            Batch streamed = buffers.get(w).batch(e, s);
            Batch expected = preloaded.batch(e, s);
            assertEquals(BATCH, streamed.rows());
            assertArrayEquals(expected.labels(), streamed.labels(), "worker " + w + ", epoch " + e + ", step " + s);
            assertArrayEquals(expected.images(), streamed.images(), "worker " + w + ", epoch " + e + ", step " + s);
          }
        }
        assertEquals((long) EPOCHS * steps, feed.sent(w), "the feed ends after the last epoch");
      }
      assertEquals(2L * EPOCHS * steps * BATCH * (784 + 1) * 4, feed.bytesStreamed());
    }
    assertTrue(failures.isEmpty(), failures.toString());
  }

  @Test
  void aWorkerThatTakesNothingIsSentAtMostPrefetchBatches() throws Exception {
    Dataset shard = images(200, 2);
    int prefetch = 4;
    // A worker whose replies never come: the feed stops at its credit.
    AtomicInteger pushes = new AtomicInteger();
    try (DataFeed feed = new DataFeed(List.of(shard), plan(25, prefetch, Augmentation.NONE),
        (w, push) -> {
          pushes.incrementAndGet();
          return Promise.<Credit>promise().future();
        }, (w, e) -> {})) {
      feed.at(0, 0, 0);
      Thread.sleep(300);
      assertEquals(prefetch, pushes.get());
      assertEquals(prefetch, feed.sent(0));
    }

    // A real buffer that is not emptied: it fills up to --prefetch and the feed waits; each batch
    // taken lets exactly one more through.
    StreamedBatches buffer = new StreamedBatches(200, prefetch, 1, 5_000);
    AtomicInteger mostBuffered = new AtomicInteger();
    BatchSink sink = into(List.of(buffer));
    try (DataFeed feed = new DataFeed(List.of(shard), plan(25, prefetch, Augmentation.NONE), (w, push) -> {
      Future<Credit> reply = sink.push(w, push);
      mostBuffered.accumulateAndGet(buffer.buffered(), Math::max);
      return reply;
    }, (w, e) -> {})) {
      feed.at(0, 0, 0);
      awaitSent(feed, prefetch);
      Thread.sleep(300);
      assertEquals(prefetch, feed.sent(0), "nothing taken: no more than --prefetch batches are sent");
      assertEquals(prefetch, buffer.buffered());
      for (int s = 0; s < 10; s++) {
        buffer.batch(0, s);
        awaitSent(feed, prefetch + s + 1);
        Thread.sleep(20);
        assertTrue(feed.sent(0) <= prefetch + s + 1, "sent " + feed.sent(0) + " after " + (s + 1) + " taken");
      }
      assertTrue(mostBuffered.get() <= prefetch, "the buffer held " + mostBuffered.get());
    }
  }

  @Test
  void aLostWorkersFeedStopsAndStartsAgainWhereItsNextStepAsks() throws Exception {
    Dataset shard = images(80, 3);
    int steps = BatchPlan.stepsPerEpoch(80, BATCH);
    StreamedBatches buffer = new StreamedBatches(80, 2, 1, 5_000);
    BatchSink healthy = into(List.of(buffer));
    boolean[] lost = {true};
    List<Integer> stopped = Collections.synchronizedList(new ArrayList<>());
    try (DataFeed feed = new DataFeed(List.of(shard), plan(steps, 2, Augmentation.NONE), (w, push) -> lost[0]
        ? Future.failedFuture(new ddl.transport.WorkerUnavailableException("127.0.0.1:1", "gone", null))
        : healthy.push(w, push), (w, e) -> stopped.add(w))) {
      feed.at(0, 0, 0);
      awaitStopped(feed);
      assertEquals(List.of(0), stopped);

      // It rejoins at the start of epoch 2 (index 1): its feed starts there, as a new generation.
      lost[0] = false;
      feed.at(0, 1, 0);
      Batch first = buffer.batch(1, 0);
      PreloadedBatches preloaded = new PreloadedBatches(shard, new BatchPlan(80, BATCH, SEED, 0), BATCH);
      assertArrayEquals(preloaded.batch(1, 0).images(), first.images());
      assertEquals(1, first.epoch());
      assertTrue(feed.running(0));
    }
  }

  private static void awaitSent(DataFeed feed, long n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (feed.sent(0) < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(n, feed.sent(0));
  }

  private static void awaitStopped(DataFeed feed) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (feed.running(0) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertFalse(feed.running(0));
  }
}
