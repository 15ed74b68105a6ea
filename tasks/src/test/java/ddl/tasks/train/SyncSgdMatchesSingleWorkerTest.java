package ddl.tasks.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.master.train.FloatArrays;
import ddl.master.train.ModelAveraging;
import ddl.master.train.MomentumSgd;
import ddl.master.train.ParameterServer;
import ddl.master.train.SyncSgd;
import ddl.master.train.Trainer;
import ddl.master.train.TrainingLoop;
import ddl.master.train.TrainingPlan;
import ddl.master.train.TrainingProgress;
import ddl.tasks.data.FashionMnist;
import ddl.tasks.data.TrainTest;
import ddl.tasks.nn.MlpSpec;
import ddl.tasks.nn.ModelWeights;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drivers with the MLP and the replica code the workers run, computed in process on a
 * Fashion-MNIST subset: two workers equal one worker with their combined batch, and the
 * parameter server with staleness 0 and model averaging every step equal sync SGD. The runs are
 * short (2 epochs of 16 steps): the modes agree up to rounding, and over long runs a rounding
 * difference that flips a ReLU unit makes the paths drift apart by more than rounding.
 */
class SyncSgdMatchesSingleWorkerTest {
  static final double TOLERANCE = 2e-4;
  private static TrainTest data;
  private static ModelWeights init;

  @BeforeAll
  static void load() {
    assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed at "
        + FashionMnist.DEFAULT_DIR);
    data = TrainingRun.loadData(FashionMnist.DEFAULT_DIR, 512, 500);
    init = MlpSpec.parse(784, "64,32", 10).heInit(5);
  }

  private static TrainingPlan plan(InProcessReplicas r) {
    return new TrainingPlan(2, r.stepsPerEpoch(),
        new ddl.master.train.LearningRate(0.05, ddl.master.train.LearningRate.Shape.COSINE, 2L * r.stepsPerEpoch(),
            4), 0.9f);
  }

  private static float[][] train(InProcessReplicas r, java.util.function.Function<float[][], Trainer> make) {
    try (r) {
      float[][] w = FloatArrays.copy(init.values());
      Trainer t = make.apply(w);
      TrainingLoop.run(t, r, plan(r), 0, 0, new TrainingProgress() {});
      return t.weights();
    }
  }

  static float[][] sync(InProcessReplicas r) {
    return train(r, w -> new SyncSgd(r, plan(r), w, new MomentumSgd(0.9f, w)));
  }

  static double relativeDiff(float[][] a, float[][] b) {
    return FloatArrays.maxAbsDiff(a, b) / Math.max(1e-3, FloatArrays.maxAbs(a));
  }

  @Test
  void twoWorkersGiveTheWeightsOfOneWorkerWithTheCombinedBatch() {
    float[][] two = sync(InProcessReplicas.sharded(data, init, 2, 16, 3));
    float[][] one = sync(InProcessReplicas.combined(data, init, 2, 16, 3));
    double diff = relativeDiff(one, two);
    assertTrue(diff < TOLERANCE, "2 workers and 1 worker with the combined batch differ by " + diff);
    assertTrue(FloatArrays.maxAbsDiff(one, init.values()) > 1e-2, "training did not move the weights");
    float[][] otherBatches = sync(InProcessReplicas.sharded(data, init, 1, 32, 3));
    double control = relativeDiff(one, otherBatches);
    System.out.printf("combined batch vs 2 workers: %.2e; other batches of the same size: %.2e%n", diff, control);
    assertTrue(control > 100 * TOLERANCE, "the comparison cannot tell batches apart: " + control);
  }

  @Test
  void parameterServerWithStalenessZeroEqualsSync() {
    float[][] expected = sync(InProcessReplicas.sharded(data, init, 2, 16, 3));
    InProcessReplicas r = InProcessReplicas.sharded(data, init, 2, 16, 3);
    float[][] actual = train(r, w -> new ParameterServer(r, plan(r), w, new MomentumSgd(0.9f, w), 0));
    double diff = relativeDiff(expected, actual);
    assertTrue(diff < TOLERANCE, "staleness 0 differs from sync SGD by " + diff);
  }

  @Test
  void averagingEveryStepEqualsSync() {
    float[][] expected = sync(InProcessReplicas.sharded(data, init, 2, 16, 3));
    InProcessReplicas r = InProcessReplicas.sharded(data, init, 2, 16, 3);
    float[][] actual = train(r, w -> new ModelAveraging(r, plan(r), w, FloatArrays.zerosLike(w), 1));
    double diff = relativeDiff(expected, actual);
    assertTrue(diff < TOLERANCE, "averaging every step differs from sync SGD by " + diff);
  }
}
