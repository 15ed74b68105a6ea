package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.WorkerProcesses;
import ddl.tasks.TaskSyncSgd;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker killed during epoch 1 of sync SGD and started again at once: the run loses it at
 * its next step, reconnects at the start of epoch 2, sets its replica up again, and trains on both
 * workers from then on.
 */
class RestartedWorkerRejoinsAtTheNextEpochTest {
  @TempDir
  Path dir;

  @Test
  void restartedWorkerIsUsedAgainFromTheNextEpoch() throws Exception {
    assumeTrue(LossRuns.datasetInstalled(), LossRuns.datasetMissing());
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      String address = workers.config().workers().get(1).toString();
      String[] args = LossRuns.args(workers.configFile(), dir);
      TrainingResult r = LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC, args,
          LossRuns.once(0, step -> step == 10, () -> {
            workers.process(1).destroyForcibly().waitFor();
            workers.restart(1);
          }));

      System.out.printf(Locale.ROOT, "sync SGD, worker restarted in epoch 1: test accuracy %s%n",
          r.history().stream().map(e -> String.format(Locale.ROOT, "%.4f", e.testAccuracy())).toList());
      List<String> events = r.workerEvents();
      assertEquals(2, events.size(), events.toString());
      assertTrue(events.get(0).startsWith("worker " + address + " lost at epoch 1, step 12 of 46"), events.get(0));
      assertEquals("worker " + address + " rejoined at epoch 2; training on 2 of 2 workers", events.get(1));
      long full = 2L * 46 * 64;
      assertTrue(r.history().get(0).samples() < full);
      assertEquals(full, r.history().get(1).samples(), "both workers train in epoch 2");
      assertEquals(full, r.history().get(2).samples(), "both workers train in epoch 3");
      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
    }
  }
}
