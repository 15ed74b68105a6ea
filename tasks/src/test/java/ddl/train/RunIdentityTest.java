package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.train.checkpoint.Checkpoint;
import ddl.train.checkpoint.CheckpointFiles;
import ddl.train.checkpoint.Resumption;
import ddl.train.driver.EpochStats;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.ModelWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints belong to runs: each run's files carry its id, a run started in the same second as
 * another gets an id of its own, and {@code --resume} picks a file, a run by id, or the newest run
 * of the same task whose model matches (before: the highest epoch of the task in the folder, from
 * whichever run, and a fresh run overwrote another's checkpoints).
 */
class RunIdentityTest {
  private static final ModelSpec SMALL = ModelSpec.parse("784:dense16-relu-dense10");
  private static final ModelSpec WIDE = ModelSpec.parse("784:dense32-relu-dense10");

  @TempDir
  Path models;

  private Path save(String task, String runId, ModelSpec spec, int epochs) throws InterruptedException {
    ModelWeights w = spec.heInit(1);
    EpochStats s = new EpochStats(epochs, 0.5, 0.8, 0.6, 0.79, 1000, 2.5, 0.1, 2.6, 0.7, 0.2, 0.1, 0);
    Path file = CheckpointFiles.save(models, new Checkpoint(task, w.names(), w.shapes(), w.values(), w.values(), epochs,
        List.of(s), Map.of(CheckpointFiles.RUN_ID, runId, ModelSpec.SETTING, spec.toString())));
    Thread.sleep(20); // distinct modification times, newest last
    file.toFile().setLastModified(System.currentTimeMillis());
    return file;
  }

  @Test
  void aRunStartedInTheSameSecondAsAnotherGetsItsOwnId() throws Exception {
    Instant now = Instant.parse("2026-12-03T06:00:00Z");
    RunRecord first = new RunRecord("sync-sgd", List.of(models), now);
    save("sync-sgd", first.id(), SMALL, 1);
    RunRecord second = new RunRecord("sync-sgd", List.of(models), now.plusMillis(300));
    assertEquals("20261203T060000Z-sync-sgd", first.id());
    assertNotEquals(first.id(), second.id());
    assertEquals("20261203T060000Z-sync-sgd-2", second.id());
  }

  @Test
  void resumeWithoutAnArgumentTakesTheNewestRunOfTheTaskWhoseModelMatches() throws Exception {
    save("sync-sgd", "20261203T050000Z-sync-sgd", SMALL, 9); // older, more epochs
    Path wanted = save("sync-sgd", "20261203T051000Z-sync-sgd", SMALL, 2);
    save("sync-sgd", "20261203T052000Z-sync-sgd", WIDE, 3); // newer, another shape
    save("async-sgd", "20261203T053000Z-async-sgd", SMALL, 4); // newer, another task
    assertEquals(wanted, Resumption.find(Resumption.LATEST, models, "sync-sgd", SMALL));
    assertTrue(Resumption.find(Resumption.LATEST, models, "sync-sgd", WIDE).getFileName().toString()
        .startsWith("20261203T052000Z-sync-sgd-epoch003"));
  }

  @Test
  void resumeTakesARunIdOrACheckpointFile() throws Exception {
    save("sync-sgd", "20261203T050000Z-sync-sgd", SMALL, 1);
    Path last = save("sync-sgd", "20261203T050000Z-sync-sgd", SMALL, 2);
    Path other = save("sync-sgd", "20261203T051000Z-sync-sgd", SMALL, 5);
    assertEquals(last, Resumption.find("20261203T050000Z-sync-sgd", models, "sync-sgd", SMALL));
    assertEquals(other, Resumption.find(other.toString(), models, "sync-sgd", SMALL));
    String missing = assertThrows(IllegalArgumentException.class,
        () -> Resumption.find("20261203T999999Z-sync-sgd", models, "sync-sgd", SMALL)).getMessage();
    assertTrue(missing.contains("no checkpoint of run 20261203T999999Z-sync-sgd") && missing.contains(
        "20261203T051000Z-sync-sgd (sync-sgd, " + SMALL + ", 5 epochs)"), missing);
    String none = assertThrows(IllegalArgumentException.class,
        () -> Resumption.find(Resumption.LATEST, models, "async-sgd", SMALL)).getMessage();
    assertTrue(none.startsWith("--resume: no async-sgd run with model " + SMALL), none);
  }

  @Test
  void checkpointsOfTwoRunsOfOneTaskNeverShareAFile() throws Exception {
    Path a = save("sync-sgd", "20261203T050000Z-sync-sgd", SMALL, 1);
    Path b = save("sync-sgd", "20261203T050000Z-sync-sgd-2", SMALL, 1);
    assertNotEquals(a, b);
    assertTrue(Files.isRegularFile(a) && Files.isRegularFile(b));
    assertEquals("20261203T050000Z-sync-sgd", CheckpointFiles.load(a).setting(CheckpointFiles.RUN_ID, "?"));
  }

  @Test
  void aResumedRunListsTheSettingsItUsesThatDifferFromItsCheckpoints() throws Exception {
    Path file = save("sync-sgd", "20261203T050000Z-sync-sgd", SMALL, 1);
    Checkpoint c = CheckpointFiles.load(file);
    Map<String, Map<String, String>> changed = Resumption.changedSettings(c,
        Map.of(ModelSpec.SETTING, SMALL.toString(), CheckpointFiles.RUN_ID, "20261203T050000Z-sync-sgd", "epochs", "9"));
    assertTrue(changed.isEmpty(), "same model, more epochs: nothing to report " + changed);
    Checkpoint withLr = new Checkpoint(c.task(), c.names(), c.shapes(), c.weights(), c.velocity(), 1, c.history(),
        Map.of("lr", "0.05", "seed", "1"));
    assertEquals(Map.of("lr", Map.of("checkpoint", "0.05", "now", "0.1")),
        Resumption.changedSettings(withLr, Map.of("lr", "0.1", "seed", "1")));
  }
}
