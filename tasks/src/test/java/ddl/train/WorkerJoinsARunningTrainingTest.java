package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.WorkerProcesses;
import ddl.tasks.TaskSyncSgd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker of the config that is not up when sync SGD starts (as a pod of a StatefulSet scaled up
 * later) joins the running training at the next epoch start: it is set up, brought up to date,
 * and the training rows are shared out over three workers instead of two, so the epochs after
 * the join have fewer, larger global steps and still cover every row.
 */
class WorkerJoinsARunningTrainingTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "--data-feed {0}")
  @ValueSource(strings = {"preload", "stream"})
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aWorkerStartedDuringEpochOneTrainsFromEpochTwo(String feed) throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    // A write queue smaller than a worker's new part of the rows (2,000 rows, 6.3 MB): sending the
    // parts must not hold a lock the event loop needs to free room (it once did, and hung).
    try (WorkerProcesses workers = WorkerProcesses.startFirst(2, 3, dir,
        "transport: {heartbeat_seconds: 2, write_queue_max_bytes: 1048576}\n")) {
      String third = workers.config().workers().get(2).toString();
      // Streamed, the rows stay on the master: each worker's feed starts again on its new part.
      String[] args = LossRuns.args(workers.configFile(), dir, "--data-feed", feed);
      TrainingResult r = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC, args,
          LossRuns.once(0, step -> step == 5, () -> {
            workers.restart(2);
            Thread.sleep(2_000); // past the first try's back-off (one heartbeat)
          }));

      System.out.printf(Locale.ROOT, "sync SGD (" + feed + "), third worker started in epoch 1: test accuracy %s,"
          + " events %s%n",
          r.history().stream().map(e -> String.format(Locale.ROOT, "%.4f", e.testAccuracy())).toList(),
          r.workerEvents());
      List<String> events = r.workerEvents();
      assertEquals(List.of("worker " + third + " joined at epoch 2; training on 3 of 3 workers"), events);
      assertEquals(2L * 46 * 64, r.history().get(0).samples(), "epoch 1: two workers of 3,000 rows each");
      assertEquals(3L * 31 * 64, r.history().get(1).samples(), "epoch 2: three workers of 2,000 rows each");
      assertEquals(3L * 31 * 64, r.history().get(2).samples(), "epoch 3: three workers of 2,000 rows each");
      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
      String record = Files.readString(r.record());
      assertTrue(record.contains("\"" + third + "\""), "the run record lists the joiner among its workers: " + record);
    }
  }
}
