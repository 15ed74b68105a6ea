package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.WorkerProcesses;
import ddl.tasks.TaskEvaluate;
import ddl.tasks.TaskSyncSgd;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kill -9} of one of two real workers in the middle of epoch 2 of sync SGD: the run goes on
 * with the other, says so in one line, finishes its 3 epochs well above chance, and its evaluations
 * still cover the whole test set. Model averaging (every 4 steps) likewise.
 */
class WorkerKilledDuringSyncSgdTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "allreduce {0}")
  @ValueSource(strings = {"ring", "master"})
  void runFinishesOnTheSurvivingWorker(String allreduce) throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      String lost = workers.config().workers().get(1).toString();
      String[] args = LossRuns.args(workers.configFile(), dir, "--allreduce", allreduce);
      TrainingResult r = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC, args,
          LossRuns.once(1, step -> step == 10, () -> workers.process(1).destroyForcibly().waitFor()));

      System.out.printf(Locale.ROOT, "sync SGD (" + allreduce + "), worker killed in epoch 2: test accuracy %s%n",
          r.history().stream().map(e -> String.format(Locale.ROOT, "%.4f", e.testAccuracy())).toList());
      assertEquals(LossRuns.EPOCHS, r.history().size());
      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
      List<String> events = r.workerEvents();
      assertTrue(events.get(0).matches("worker " + lost.replace(".", "\\.") + " lost at epoch 2, step 12 of 46 \\(.*"
          + "\\); continuing with 1 of 2 workers; its 3,000 training rows are left out until the next epoch start.*"),
          events.toString());
      assertTrue(events.stream().skip(1).allMatch(l -> l.contains("still unreachable")), events.toString());
      long full = 2L * 46 * 64;
      assertEquals(full, r.history().get(0).samples());
      assertEquals(11L * 2 * 64 + 35L * 64, r.history().get(1).samples(), "the lost worker's batches are skipped");
      assertEquals(93L * 64, r.history().get(2).samples(), "epoch 3: the survivor trains on every row");

      // The survivor alone, on the whole test set, finds the same accuracy as the run's last evaluation.
      TaskEvaluate.Result e = TaskEvaluate.run(new String[] {"--config", workers.configFile().toString(),
          "--checkpoint", r.checkpoint().toString(), "--test-rows", "" + LossRuns.TEST_ROWS, "--show", "0",
          "--runs", dir.resolve("runs").toString()});
      assertEquals(LossRuns.TEST_ROWS, e.test().count());
      assertEquals(r.finalTestAccuracy(), e.test().accuracy(), 1e-9);
    }
  }

  @Test
  void modelAveragingFinishesOnTheSurvivingWorker() throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      String[] args = LossRuns.args(workers.configFile(), dir, "--average-every", "4");
      TrainingResult r = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC, args,
          LossRuns.once(1, step -> step == 11, () -> workers.process(1).destroyForcibly().waitFor()));

      System.out.printf(Locale.ROOT, "model averaging every 4 steps, worker killed in epoch 2: test accuracy %s%n",
          r.history().stream().map(e -> String.format(Locale.ROOT, "%.4f", e.testAccuracy())).toList());
      assertEquals(LossRuns.EPOCHS, r.history().size());
      assertTrue(r.workerEvents().get(0).contains(" lost at epoch 2, step 13 of 46 "), r.workerEvents().toString());
      assertEquals(93L * 64, r.history().get(2).samples(), "epoch 3: the survivor trains on every row");
      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
    }
  }
}
