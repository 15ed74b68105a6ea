package ddl.tasks.owntask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.WorkerProcesses;
import ddl.tasks.TaskSyncSgd;
import ddl.train.TrainingResult;
import ddl.train.checkpoint.Checkpoint;
import ddl.train.checkpoint.CheckpointFiles;
import ddl.train.data.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with a layer defined in a task class of one's own ({@link SwishTask}, which is in no
 * jar a worker has) trains on two real workers: the master ships the layer's class with the
 * model, both replicas compute it, and the checkpoint names its parameter.
 */
class OwnTaskOnRealWorkersTest {
  @TempDir
  Path dir;

  @Test
  void aModelWithItsOwnLayerIsShippedAndTrained() throws Exception {
    assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir, "")) {
      TrainingResult r = TaskSyncSgd.run(new String[] {"--config", workers.configFile().toString(), "--epochs", "2",
          "--train-rows", "6000", "--test-rows", "1000", "--no-progress", "--models", dir.resolve("models").toString(),
          "--runs", dir.resolve("runs").toString()}, data -> SwishTask.model(data.imageShape(),
          data.classNames().size()));

      assertTrue(r.finalTestAccuracy() > 0.7, "final test accuracy " + r.finalTestAccuracy());
      Checkpoint c = CheckpointFiles.load(r.checkpoint());
      assertTrue(List.of(c.names()).contains("custom0.beta"), List.of(c.names()).toString());
      assertEquals("28x28x1:flatten-dense128-swish-dense64-swish-dense10", c.setting(ddl.train.nn.ModelSpec.SETTING, null));
      float[] beta = c.weights()[List.of(c.names()).indexOf("custom0.beta")];
      double moved = 0;
      for (float b : beta) {
        moved += Math.abs(b);
      }
      assertTrue(moved > 0, "the slopes were trained (they start at 0)");
    }
  }
}
