package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.Cluster;
import ddl.master.WorkerProcesses;
import ddl.tasks.TaskSyncSgd;
import ddl.train.driver.StepListener;
import ddl.transport.ClusterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workers that leave other than by dying, on real worker processes: one asked to shut down (the
 * Shutdown RPC, as scripts/shutdown sends it) in the middle of sync SGD's first epoch is dropped
 * like a killed one and the run goes on and saves its checkpoints; one lost while the data set is
 * being sent is dropped and the run starts without it.
 */
class GracefulExitsDuringTrainingTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "allreduce {0}")
  @ValueSource(strings = {"ring", "master"})
  void aWorkerShutDownMidEpochIsALossAndTheRunGoesOn(String allreduce) throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      ClusterConfig config = workers.config();
      String leaving = config.workers().get(1).toString();
      String[] args = LossRuns.args(workers.configFile(), dir, "--allreduce", allreduce);
      TrainingResult r = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC, args,
          LossRuns.once(0, step -> step == 10, () -> {
            try (Cluster other = Cluster.connect(config, List.of(config.workers().get(1))).await()) {
              other.worker(0).shutdown().await();
            }
          }));

      System.out.printf(Locale.ROOT, "sync SGD (%s), worker shut down in epoch 1: %s; test accuracy %s%n", allreduce,
          r.workerEvents().get(0), r.history().stream().map(e -> String.format(Locale.ROOT, "%.4f",
              e.testAccuracy())).toList());
      assertTrue(r.workerEvents().get(0).startsWith("worker " + leaving + " lost at epoch 1, step 12 of 46 ("),
          r.workerEvents().toString());
      assertTrue(r.workerEvents().get(0).contains("continuing with 1 of 2 workers"), r.workerEvents().toString());
      assertEquals(LossRuns.EPOCHS, r.history().size());
      assertEquals(11L * 2 * 64 + 35L * 64, r.history().get(0).samples(), "its batches are skipped from step 12 on");
      assertNotNull(r.checkpoint());
      assertTrue(Files.isRegularFile(r.checkpoint()), "checkpoints were saved: " + r.checkpoint());
      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
      assertTrue(workers.process(1).waitFor(60, TimeUnit.SECONDS), "the worker left");
      assertEquals(0, workers.process(1).exitValue(), "it stopped on request:\n" + workers.log(1));
    }
  }

  @Test
  void aWorkerLostWhileTheDataSetIsSentIsDroppedAndTheRunGoesOn() throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      String lost = workers.config().workers().get(1).toString();
      String[] args = LossRuns.args(workers.configFile(), dir, "--allreduce", "master");
      TrainingResult r = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC, args, StepListener.NONE,
          cluster -> {
            // Connected, so the data set goes to it next: it dies before its shard arrives.
            try {
              workers.process(1).destroyForcibly().waitFor();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            return cluster;
          });

      System.out.printf(Locale.ROOT, "worker killed before its data arrived: %s%n", r.workerEvents());
      assertTrue(r.workerEvents().get(0).startsWith("worker " + lost + " lost at the start (its data set was being"
          + " sent) ("), r.workerEvents().toString());
      assertEquals(LossRuns.EPOCHS, r.history().size());
      assertEquals(93L * 64, r.history().get(0).samples(), "the survivor trained alone, on every row");
      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
    }
  }
}
