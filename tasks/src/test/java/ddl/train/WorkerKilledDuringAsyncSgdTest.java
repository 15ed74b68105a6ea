package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.WorkerProcesses;
import ddl.tasks.TaskAsyncSgd;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of one of two real workers in the middle of epoch 2 of async SGD with staleness
 * bound 2: the parameter server takes the lost worker out of the staleness gate, so the survivor
 * never waits for it, and the run finishes its 3 epochs well above chance.
 */
class WorkerKilledDuringAsyncSgdTest {
  @TempDir
  Path dir;

  @Test
  void survivorNeverWaitsForTheKilledWorker() throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      String lost = workers.config().workers().get(1).toString();
      String[] args = LossRuns.args(workers.configFile(), dir, "--staleness", "2");
      TrainingResult r = LossRuns.run(TaskAsyncSgd.NAME, TrainingRun.Mode.ASYNC, args,
          LossRuns.once(1, step -> step == 10, () -> workers.process(1).destroyForcibly().waitFor()));

      System.out.printf(Locale.ROOT, "async SGD (staleness 2), worker killed in epoch 2: test accuracy %s%n",
          r.history().stream().map(e -> String.format(Locale.ROOT, "%.4f", e.testAccuracy())).toList());
      assertEquals(LossRuns.EPOCHS, r.history().size());
      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
      List<String> events = r.workerEvents();
      assertTrue(events.get(0).matches("worker " + lost.replace(".", "\\.") + " lost at epoch 2, step \\d+ of 46 .*"
          + "continuing with 1 of 2 workers.*"), events.toString());
      assertEquals(93L * 64, r.history().get(2).samples(), "epoch 3 ran on the survivor alone, on every row");
    }
  }
}
