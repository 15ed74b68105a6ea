package ddl.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.train.driver.AllWorkersLostException;
import ddl.train.driver.EpochStats;
import ddl.train.driver.FloatArrays;
import ddl.train.driver.ModelState;
import ddl.train.driver.NonFiniteLoss.NonFiniteLossException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a stopped run says about its checkpoints, and that diverged weights are never saved
 * (before: a run stopped in its first epoch said "run the task with --resume" with nothing to
 * resume, and a run that trained to NaN wrote a checkpoint of NaN weights and exited with 0).
 */
class EpochCheckpointsTest {
  @TempDir
  Path models;

  private static final String[] NAMES = {"w", "b"};
  private static final int[][] SHAPES = {{2, 2}, {2}};

  private EpochCheckpoints checkpoints() {
    float[][] zeros = {new float[4], new float[2]};
    return new EpochCheckpoints("sync-sgd", NAMES, SHAPES, Map.of(CheckpointFiles.RUN_ID, "20261203T060000Z-sync-sgd"),
        models, List.of(), null, new ModelState(zeros, FloatArrays.zerosLike(zeros)));
  }

  private static EpochStats epoch(int n) {
    return new EpochStats(n, 0.5, 0.8, 0.6, 0.79, 1000, 2.5, 0.1, 2.6, 0.7, 0.2, 0.1, 0);
  }

  @Test
  void aRunStoppedBeforeItsFirstCheckpointSaysSoAndHowToStartAgain() {
    String message = checkpoints().stopped(new AllWorkersLostException("all 2 workers of this run are lost (...);"
        + " start them again (scripts/start N)", null)).getMessage();
    assertTrue(message.endsWith("No checkpoint was written: the run stopped in epoch 1, before its first epoch ended."
        + " Once the cause is fixed, run the task again (without --resume)"), message);
  }

  @Test
  void aRunStoppedLaterNamesItsLastCheckpointToResumeFrom() {
    EpochCheckpoints c = checkpoints();
    float[][] w = {{1, 2, 3, 4}, {5, 6}};
    c.accept(epoch(1), new ModelState(w, FloatArrays.zerosLike(w)));
    String message = c.stopped(new AllWorkersLostException("all lost", null)).getMessage();
    assertTrue(message.contains("The last checkpoint is " + c.last() + " (after epoch 1)") && message.endsWith(
        "--resume " + c.last()), message);
    assertEquals("20261203T060000Z-sync-sgd-epoch001.ckpt", c.last().getFileName().toString());
  }

  @Test
  void weightsWithNaNAreNeverSaved() throws Exception {
    EpochCheckpoints c = checkpoints();
    float[][] w = {{1, Float.NaN, 3, 4}, {5, 6}};
    NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
        () -> c.accept(epoch(1), new ModelState(w, FloatArrays.zerosLike(w))));
    assertTrue(e.getMessage().startsWith("the weights after epoch 1 hold NaN or infinite values"), e.getMessage());
    try (Stream<Path> files = Files.list(models)) {
      assertEquals(0, files.count(), "no checkpoint");
    }
  }
}
