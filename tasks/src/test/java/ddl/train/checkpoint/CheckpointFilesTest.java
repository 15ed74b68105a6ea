package ddl.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.train.driver.EpochStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints survive a round trip to disk, and the latest one of a task is found. */
class CheckpointFilesTest {
  @TempDir
  Path dir;

  private static Checkpoint checkpoint(String task, int epochs) {
    EpochStats s = new EpochStats(epochs, 0.5, 0.8, 0.6, 0.79, 1000, 2.5, 0.1, 2.6, 0.7, 0.2, 0.1, 0);
    return new Checkpoint(task, new String[] {"w", "b"}, new int[][] {{2, 3}, {3}},
        new float[][] {{1, 2, 3, 4, 5, 6}, {-1, 0.5f, Float.MIN_VALUE}},
        new float[][] {{6, 5, 4, 3, 2, 1}, {0, 0, 1e-30f}}, epochs, List.of(s), Map.of("hidden", "256,128", "seed", "1"));
  }

  @Test
  void roundTripKeepsEverything() {
    Checkpoint c = checkpoint("sync-sgd", 3);
    Path file = CheckpointFiles.save(dir, c);
    assertEquals("sync-sgd-epoch003.ckpt", file.getFileName().toString());
    Checkpoint back = CheckpointFiles.load(file);
    assertEquals(c.task(), back.task());
    assertEquals(3, back.epochsDone());
    assertArrayEquals(c.names(), back.names());
    assertTrue(java.util.Arrays.deepEquals(c.shapes(), back.shapes()));
    assertTrue(java.util.Arrays.deepEquals(c.weights(), back.weights()));
    assertTrue(java.util.Arrays.deepEquals(c.velocity(), back.velocity()));
    assertEquals(c.history(), back.history());
    assertEquals(c.settings(), back.settings());
  }

  @Test
  void theFileIsFlushedBeforeTheRenameAndTheDirectoryAfterIt() throws Exception {
    List<String> events = new java.util.ArrayList<>();
    Path target = dir.resolve("sync-sgd-epoch004.ckpt");
    Path file = CheckpointFiles.save(dir, checkpoint("sync-sgd", 4), (path, channel) -> {
      channel.force(true);
      if (Files.isDirectory(path)) {
        events.add("dir synced, target " + (Files.exists(target) ? "in place" : "missing"));
      } else {
        events.add("file synced, " + channel.size() + " bytes, target " + (Files.exists(target) ? "in place"
            : "missing"));
      }
    });
    long size = Files.size(file);
    assertEquals(List.of("file synced, " + size + " bytes, target missing", "dir synced, target in place"), events);
    assertTrue(Files.notExists(dir.resolve("sync-sgd-epoch004.ckpt.tmp")));
  }

  @Test
  void latestPicksTheMostEpochsOfThatTask() throws Exception {
    CheckpointFiles.save(dir, checkpoint("sync-sgd", 2));
    CheckpointFiles.save(dir, checkpoint("sync-sgd", 10));
    CheckpointFiles.save(dir, checkpoint("async-sgd", 11));
    Files.writeString(dir.resolve("notes.txt"), "x");
    assertEquals("sync-sgd-epoch010.ckpt", CheckpointFiles.latest(dir, "sync-sgd").orElseThrow().getFileName()
        .toString());
    assertTrue(CheckpointFiles.latest(dir, "evaluate").isEmpty());
    assertTrue(CheckpointFiles.latest(dir.resolve("absent"), "sync-sgd").isEmpty());
  }

  @Test
  void aTruncatedCheckpointIsNamedAndCalledTruncated() throws Exception {
    Path whole = CheckpointFiles.save(dir, checkpoint("sync-sgd", 1));
    byte[] bytes = Files.readAllBytes(whole);
    for (int cut : new int[] {3, 10, 40, bytes.length / 2, bytes.length - 1}) {
      Path file = dir.resolve("cut-" + cut + ".ckpt");
      Files.write(file, java.util.Arrays.copyOf(bytes, cut));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckpointFiles.load(file));
      assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
      assertTrue(e.getMessage().contains("is truncated") && e.getMessage().contains("corrupt"), cut + ": "
          + e.getMessage());
      assertTrue(!e.getMessage().contains("null"), e.getMessage());
    }
  }

  @Test
  void aFileThatIsNotACheckpointSaysSo() throws Exception {
    Path bogus = dir.resolve("bogus.ckpt");
    Files.writeString(bogus, "hello, world");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckpointFiles.load(bogus));
    assertTrue(e.getMessage().contains("DDL"), e.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> CheckpointFiles.load(dir.resolve("none.ckpt")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }
}
