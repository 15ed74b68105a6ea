package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.Gson;
import ddl.tasks.TaskAsyncSgd;
import ddl.tasks.TaskEvaluate;
import ddl.tasks.TaskSyncSgd;
import ddl.train.data.FashionMnist;
import ddl.train.data.TrainTest;
import ddl.train.driver.FloatArrays;
import ddl.train.driver.LiveWorkers;
import ddl.train.driver.LocalReplicas;
import ddl.train.driver.ModelState;
import ddl.train.driver.SyncSgd;
import ddl.train.driver.TrainingLoop;
import ddl.train.driver.TrainingPlan;
import ddl.train.driver.TrainingProgress;
import ddl.train.driver.WireFormat;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.ModelWeights;
import ddl.transport.cli.CommandLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training tasks end to end on two real worker processes, on a Fashion-MNIST subset (6,000
 * training and 1,000 test images, 2 epochs): they learn, a run resumes from its checkpoint, and
 * evaluate reads the checkpoint back. The modes that must agree are compared on short runs (768
 * training rows, 2 epochs of 6 steps): they agree up to rounding, but once a rounding difference
 * flips a ReLU unit on some row, the paths drift apart by more than rounding, so long runs would
 * compare the drift, not the algorithms.
 */
class TrainingOnRealWorkersTest {
  private static final int TRAIN_ROWS = 6000;
  private static final int TEST_ROWS = 1000;
  private static final double TOLERANCE = 2e-4;

  @TempDir
  static Path dir;
  private static WorkerProcesses workers;
  private static final int SHORT_TRAIN_ROWS = 768;
  private static TrainingResult sync;
  private static TrainingResult shortSync;

  @BeforeAll
  static void startWorkers() throws Exception {
    assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed at "
        + FashionMnist.DEFAULT_DIR + " (apt-get install dataset-fashion-mnist)");
    workers = WorkerProcesses.start(2, dir);
  }

  @AfterAll
  static void stopWorkers() {
    if (workers != null) {
      workers.close();
    }
  }

  private static String[] args(String models, String... extra) {
    return args(TRAIN_ROWS, models, extra);
  }

  private static String[] shortArgs(String models, String... extra) {
    return args(SHORT_TRAIN_ROWS, models, extra);
  }

  private static String[] args(int trainRows, String models, String... extra) {
    List<String> a = new ArrayList<>(List.of("--config", workers.config().toString(), "--epochs", "2",
        "--batch", "64", "--train-rows", Integer.toString(trainRows), "--test-rows", Integer.toString(TEST_ROWS),
        "--seed", "7", "--no-progress", "--models", dir.resolve(models).toString(), "--runs",
        dir.resolve("runs").toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  /** The plain sync SGD run the other runs are compared with (run once). */
  private static synchronized TrainingResult sync() {
    if (sync == null) {
      sync = TaskSyncSgd.run(args("models-sync"));
    }
    return sync;
  }

  /** A short plain sync SGD run, for the comparisons (run once). */
  private static synchronized TrainingResult shortSync() {
    if (shortSync == null) {
      shortSync = TaskSyncSgd.run(shortArgs("models-short-sync"));
    }
    return shortSync;
  }

  private static double relativeDiff(float[][] a, float[][] b) {
    return FloatArrays.maxAbsDiff(a, b) / Math.max(1e-3, FloatArrays.maxAbs(a));
  }

  @Test
  void syncSgdOnTwoWorkersLearnsWellAboveChanceAndWritesItsOutputs() throws IOException {
    TrainingResult r = sync();
    assertEquals(2, r.history().size());
    assertTrue(r.finalTestAccuracy() > 0.7, "test accuracy after 2 epochs: " + r.finalTestAccuracy());
    assertTrue(Files.size(r.plot()) > 10_000, "plot " + r.plot());
    assertTrue(r.checkpoint().getFileName().toString().matches("\\d{8}T\\d{6}Z-sync-sgd(-\\d+)?-epoch002\\.ckpt"),
        "named by its run id: " + r.checkpoint());
    @SuppressWarnings("unchecked")
    Map<String, Object> record = new Gson().fromJson(Files.readString(r.record()), Map.class);
    for (String key : List.of("task", "workers", "epochs", "batch_per_worker", "lr", "momentum", "mode",
        "test_accuracy", "final_test_accuracy", "wall_seconds", "samples_per_second", "bytes_sent", "bytes_received",
        "communication_share")) {
      assertTrue(record.containsKey(key), "run record lacks " + key + ": " + record.keySet());
    }
    assertEquals("sync-sgd", record.get("task"));
    assertEquals(2.0, record.get("workers"));
    assertEquals(2, ((List<?>) record.get("test_accuracy")).size());
    // Weights stay on the workers and the ring averages the gradients: per worker step the master
    // sends a few hundred bytes, the workers about one model's worth to each other.
    double workerSteps = 2 * 46 * 2;
    assertTrue((double) record.get("bytes_sent") < workerSteps * 5_000, "the master sent " + record.get("bytes_sent"));
    assertTrue((double) record.get("worker_bytes_sent") > workerSteps * 0.9 * 4 * 235_146,
        "the workers sent " + record.get("worker_bytes_sent"));
    assertEquals("ring", record.get("allreduce"));
    checkEventLog(r, 2, 46);
  }

  /** The run's event log: started, every epoch and step in order, finished; each line JSON. */
  private static void checkEventLog(TrainingResult r, int epochs, int stepsPerEpoch) throws IOException {
    Path log = r.record().resolveSibling(r.record().getFileName().toString().replace(".json", ".events.jsonl"));
    List<String> lines = Files.readAllLines(log);
    Gson gson = new Gson();
    List<String> types = new ArrayList<>();
    double lastT = -1;
    int steps = 0;
    for (String line : lines) {
      @SuppressWarnings("unchecked")
      Map<String, Object> event = gson.fromJson(line, Map.class);
      types.add((String) event.get("type"));
      double t = (double) event.get("t");
      assertTrue(t >= lastT, "time goes forward: " + line);
      lastT = t;
      if ("step".equals(event.get("type"))) {
        steps++;
        assertTrue(event.get("loss") instanceof Double, line);
      }
    }
    assertEquals("run_started", types.get(0));
    assertEquals("run_finished", types.get(types.size() - 1));
    assertEquals(epochs, types.stream().filter("epoch_started"::equals).count());
    assertEquals(epochs, types.stream().filter("epoch_done"::equals).count());
    assertEquals(epochs * stepsPerEpoch, steps, "one step event per step");
    assertTrue(lines.get(lines.size() - 1).contains(r.record().getFileName().toString()), "run_finished names the record");
  }

  @Test
  void syncSgdOnTwoWorkersMatchesOneWorkerWithTheCombinedBatch() {
    TrainingResult r = shortSync();
    TrainTest data = TrainingRun.loadData(FashionMnist.DEFAULT_DIR, SHORT_TRAIN_ROWS, TEST_ROWS);
    ModelSpec spec = ModelSpec.mlp(784, new int[] {256, 128}, 10);
    ModelWeights init = spec.heInit(7);
    String[] flags = shortArgs("unused");
    TrainSettings settings = new TrainSettings();
    assertTrue(CommandLines.parse(settings, Arrays.copyOfRange(flags, 2, flags.length)));
    try (LocalReplicas one = InProcessReplicas.combined(data, spec, init, 2, 64, 7)) {
      TrainingPlan plan = new TrainingPlan(2, one.stepsPerEpoch(), settings.learningRate(one.stepsPerEpoch()),
          settings.momentum());
      ModelState[] last = new ModelState[1];
      TrainingLoop.run(new SyncSgd(one, new LiveWorkers(one), plan, WireFormat.FP32), one, plan, 0, 0,
          new TrainingProgress() {
            @Override
            public void epochDone(ddl.train.driver.EpochStats stats, ModelState state) {
              last[0] = state;
            }
          });
      double diff = relativeDiff(last[0].weights(), r.weights());
      assertTrue(diff < TOLERANCE, "2 workers differ from 1 worker with the combined batch by " + diff);
      assertTrue(relativeDiff(init.values(), r.weights()) > 100 * TOLERANCE, "training did not move the weights");
    }
  }

  @Test
  void theRingAndTheMasterAverageToTheSameWeights() {
    TrainingResult viaMaster = TaskSyncSgd.run(shortArgs("models-master", "--allreduce", "master"));
    double diff = relativeDiff(shortSync().weights(), viaMaster.weights());
    assertTrue(diff < TOLERANCE, "the ring and the master differ by " + diff);
  }

  @Test
  void bfloat16GradientsStillLearn() {
    TrainingResult bf16 = TaskSyncSgd.run(args("models-bf16", "--grad-dtype", "bf16"));
    assertTrue(bf16.finalTestAccuracy() > 0.7, "bf16 test accuracy " + bf16.finalTestAccuracy());
    assertTrue(Math.abs(bf16.finalTestAccuracy() - sync().finalTestAccuracy()) < 0.03,
        "bf16 " + bf16.finalTestAccuracy() + " against fp32 " + sync().finalTestAccuracy());
  }

  @Test
  void asyncWithStalenessZeroOnRealWorkersEqualsSync() {
    TrainingResult async = TaskAsyncSgd.run(shortArgs("models-async0", "--staleness", "0"));
    double diff = relativeDiff(shortSync().weights(), async.weights());
    assertTrue(diff < TOLERANCE, "async with staleness 0 differs from sync SGD by " + diff);
  }

  @Test
  void averagingEveryStepOnRealWorkersEqualsSync() {
    TrainingResult averaged = TaskSyncSgd.run(shortArgs("models-avg1", "--average-every", "1"));
    double diff = relativeDiff(shortSync().weights(), averaged.weights());
    assertTrue(diff < TOLERANCE, "averaging every step differs from sync SGD by " + diff);
  }

  @Test
  void unboundedAsyncAndAveragingEveryFourStepsLearnWellAboveChance() {
    TrainingResult async = TaskAsyncSgd.run(args("models-async", "--staleness", "inf"));
    assertTrue(async.finalTestAccuracy() > 0.7, "async test accuracy " + async.finalTestAccuracy());
    TrainingResult averaged = TaskSyncSgd.run(args("models-avg4", "--average-every", "4"));
    assertTrue(averaged.finalTestAccuracy() > 0.7, "averaging test accuracy " + averaged.finalTestAccuracy());
  }

  @Test
  void resumeContinuesFromTheLatestCheckpointToTheSameWeights() throws IOException {
    TrainingResult straight = sync();
    Path models = Files.createDirectories(dir.resolve("models-resume"));
    Path first = straight.checkpoint().resolveSibling(straight.checkpoint().getFileName().toString()
        .replace("-epoch002", "-epoch001"));
    Files.copy(first, models.resolve(first.getFileName()));
    TrainingResult resumed = TaskSyncSgd.run(args("models-resume", "--resume"));
    assertEquals(2, resumed.history().size(), "the resumed run carries the first epoch's figures");
    double diff = relativeDiff(straight.weights(), resumed.weights());
    assertTrue(diff < 1e-6, "resumed weights differ from an uninterrupted run by " + diff);
  }

  /** Stands for the master process dying: nothing after it runs, nothing is cleaned up by the run. */
  private static final class MasterDied extends RuntimeException {
    MasterDied() {
      super("the master died in the middle of epoch 2");
    }
  }

  @Test
  void masterKilledMidEpochResumesFromTheLastEpochsCheckpointToTheSameWeights() throws IOException {
    TrainingResult straight = sync();
    String[] flags = args("models-crash");
    assertThrows(MasterDied.class, () -> LossRuns.run(TaskSyncSgd.NAME, TrainingRun.Mode.SYNC, flags,
        LossRuns.once(1, step -> step == 20, () -> {
          throw new MasterDied();
        })));
    Path models = dir.resolve("models-crash");
    try (var files = Files.list(models)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertTrue(names.size() == 1 && names.get(0).endsWith("-sync-sgd-epoch001.ckpt"),
          "only whole epochs leave a checkpoint: " + names);
    }
    // A checkpoint half written when the master died is ignored.
    Files.write(models.resolve("20990101T000000Z-sync-sgd-epoch002.ckpt.tmp"), new byte[] {'D', 'D', 'L'});
    TrainingResult resumed = TaskSyncSgd.run(args("models-crash", "--resume"));
    assertEquals(2, resumed.history().size());
    double diff = relativeDiff(straight.weights(), resumed.weights());
    assertTrue(diff < 1e-6, "resumed after a crash, the weights differ from an uninterrupted run by " + diff);
  }

  @Test
  void evaluateReadsTheCheckpointBackAndPrintsTopK() {
    TrainingResult r = sync();
    TaskEvaluate.Result e = TaskEvaluate.run(new String[] {"--config", workers.config().toString(), "--checkpoint",
        r.checkpoint().toString(), "--test-rows", Integer.toString(TEST_ROWS), "--show", "8", "--top-k", "3",
        "--threshold", "0.05", "--runs", dir.resolve("runs").toString()});
    assertEquals(TEST_ROWS, e.test().count());
    assertEquals(r.finalTestAccuracy(), e.test().accuracy(), 1e-9);
    assertEquals(8, e.predictions().size());
    for (TaskEvaluate.Prediction p : e.predictions()) {
      assertTrue(p.classes().length <= 3);
      for (int j = 0; j < p.classes().length; j++) {
        assertTrue(p.probabilities()[j] >= 0.05f);
        assertTrue(j == 0 || p.probabilities()[j] <= p.probabilities()[j - 1]);
      }
    }
  }
}
