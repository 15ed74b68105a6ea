package ddl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.WorkerProcesses;
import ddl.tasks.TaskSyncSgd;
import ddl.train.driver.StepListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --data-feed stream} on two real workers: it trains exactly the weights preloaded shards
 * give for the same seed, and when one worker is killed while batches are streamed to it the run
 * goes on with the other, until the worker, started again, rejoins at an epoch start and its feed
 * starts again there.
 */
class StreamedTrainingOnRealWorkersTest {
  @TempDir
  Path dir;

  private String[] args(WorkerProcesses workers, String name, int epochs, int trainRows, String... extra) {
    List<String> a = new ArrayList<>(List.of("--config", workers.configFile().toString(), "--epochs", "" + epochs,
        "--batch", "64", "--train-rows", "" + trainRows, "--test-rows", "500", "--seed", "5", "--no-progress",
        "--models", dir.resolve(name).resolve("models").toString(), "--runs", dir.resolve(name).resolve("runs").toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void streamedAndPreloadedBatchesTrainTheSameWeights() throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      TrainingResult preloaded = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC,
          args(workers, "preload", 2, 1280), StepListener.NONE);
      TrainingResult streamed = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC,
          args(workers, "stream", 2, 1280, "--data-feed", "stream", "--prefetch", "3"), StepListener.NONE);

      for (int t = 0; t < preloaded.weights().length; t++) {
        assertArrayEquals(preloaded.weights()[t], streamed.weights()[t], "tensor " + preloaded.names()[t]);
      }
      String record = Files.readString(streamed.record());
      assertTrue(record.contains("\"data_feed\": \"stream\""), record);
      // 2 workers x 2 epochs x 10 batches of 64 rows of 784 pixels and a label, 4 bytes each.
      assertTrue(record.contains("\"bytes_streamed\": " + (2L * 2 * 10 * 64 * 785 * 4)), record);
      assertTrue(Files.readString(preloaded.record()).contains("\"data_feed\": \"preload\""));
    }
  }

  @Test
  void aWorkerKilledWhileBatchesAreStreamedToItIsDroppedAndItsFeedRestartsWhenItRejoins() throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      String lost = workers.config().workers().get(1).toString();
      // Killed at step 11 of epoch 1 and started again at once: lost at its next step, back at epoch 2.
      TrainingResult r = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC,
          args(workers, "kill", 3, LossRuns.TRAIN_ROWS, "--data-feed", "stream", "--augment", "shift-rotate"),
          LossRuns.once(0, step -> step == 10, () -> {
            workers.process(1).destroyForcibly().waitFor();
            workers.restart(1);
          }));

      System.out.printf(Locale.ROOT, "streamed sync SGD, worker killed in epoch 1 and restarted: test accuracy %s%n",
          r.history().stream().map(e -> String.format(Locale.ROOT, "%.4f", e.testAccuracy())).toList());
      List<String> events = r.workerEvents();
      assertEquals(2, events.size(), events.toString());
      assertTrue(events.get(0).startsWith("worker " + lost + " lost at epoch 1, step 12 of 46 "), events.get(0));
      assertEquals("worker " + lost + " rejoined at epoch 2; training on 2 of 2 workers", events.get(1));
      assertEquals(3, r.history().size());
      assertEquals(11L * 2 * 64 + 35L * 64, r.history().get(0).samples(), "the survivor alone trains the rest of epoch 1");
      assertEquals(2L * 46 * 64, r.history().get(1).samples(), "both train epoch 2: the feed restarted there");
      assertEquals(2L * 46 * 64, r.history().get(2).samples());
      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
    }
  }
}
