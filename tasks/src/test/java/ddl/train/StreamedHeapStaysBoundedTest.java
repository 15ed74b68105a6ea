package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.Cluster;
import ddl.master.WorkerProcesses;
import ddl.tasks.TaskSyncSgd;
import ddl.transport.wire.Messages.WorkerStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker started with {@code -Xmx64m} (a heap a third of what Fashion-MNIST's training set takes)
 * trains on four augmented epochs of the whole training set streamed to it, more than ten times its
 * heap in batches, without running out of memory: what it holds is bounded by {@code --prefetch}.
 */
class StreamedHeapStaysBoundedTest {
  private static final long HEAP = 64L << 20;

  @TempDir
  Path dir;

  @Test
  void aSmallHeapWorkerTrainsOnTenTimesItsHeapOfStreamedBatches() throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    try (WorkerProcesses workers = WorkerProcesses.start(1, dir, "", List.of("-Xmx64m"))) {
      AtomicReference<Cluster> cluster = new AtomicReference<>();
      AtomicLong mostHeapUsed = new AtomicLong();
      AtomicLong heapMax = new AtomicLong();
      String[] args = {"--config", workers.configFile().toString(), "--epochs", "4", "--batch", "256", "--hidden", "32",
          "--test-rows", "1000", "--seed", "3", "--no-progress", "--data-feed", "stream", "--augment", "shift-rotate",
          "--models", dir.resolve("models").toString(), "--runs", dir.resolve("runs").toString()};
      TrainingResult r = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC, args, (epoch, step, loss) -> {
        if (step % 40 == 0) {
          WorkerStats s = cluster.get().stats().await().get(0);
          mostHeapUsed.accumulateAndGet(s.heapUsedBytes(), Math::max);
          heapMax.set(s.heapMaxBytes());
        }
      }, c -> {
        cluster.set(c);
        return c;
      });

      long streamed = number(Files.readString(r.record()), "bytes_streamed");
      System.out.printf(Locale.ROOT, "worker with -Xmx64m (max heap %,d bytes, most used seen %,d): %,d bytes"
          + " streamed in 4 epochs, test accuracy %.4f%n", heapMax.get(), mostHeapUsed.get(), streamed,
          r.finalTestAccuracy());
      assertEquals(4, r.history().size());
      assertTrue(heapMax.get() > 0 && heapMax.get() <= HEAP, "the worker's max heap is " + heapMax.get());
      assertTrue(60_000L * 785 * 4 > 2 * heapMax.get(), "the training set would not fit in the worker's heap");
      assertTrue(streamed > 10 * HEAP, streamed + " bytes streamed");
      assertTrue(workers.process(0).isAlive(), "the worker is still up");
      assertFalse(workers.log(0).contains("OutOfMemoryError"), workers.log(0));
      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
    }
  }

  private static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": (\\d+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Long.parseLong(m.group(1));
  }
}
