package ddl.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.train.data.FashionMnist;
import ddl.train.data.TrainTest;
import ddl.train.driver.EpochStats;
import ddl.train.driver.FloatArrays;
import ddl.train.driver.LiveWorkers;
import ddl.train.driver.LocalReplicas;
import ddl.train.driver.ModelAveraging;
import ddl.train.driver.ModelState;
import ddl.train.driver.ParameterServer;
import ddl.train.driver.Replicas;
import ddl.train.driver.RingSgd;
import ddl.train.driver.SyncSgd;
import ddl.train.driver.Trainer;
import ddl.train.driver.TrainingLoop;
import ddl.train.driver.TrainingPlan;
import ddl.train.driver.TrainingProgress;
import ddl.train.driver.WireFormat;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.ModelWeights;
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
  private static ModelSpec spec;
  private static ModelWeights init;

  @BeforeAll
  static void load() {
    assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed at "
        + FashionMnist.DEFAULT_DIR);
    data = TrainingRun.loadData(FashionMnist.DEFAULT_DIR, 512, 500);
    spec = ModelSpec.mlp(784, new int[] {64, 32}, 10);
    init = spec.heInit(5);
  }

  private static TrainingPlan plan(Replicas r) {
    return new TrainingPlan(2, r.stepsPerEpoch(),
        new ddl.train.driver.LearningRate(0.05, ddl.train.driver.LearningRate.Shape.COSINE, 2L * r.stepsPerEpoch(),
            4), 0.9f);
  }

  private static float[][] train(LocalReplicas r, java.util.function.Function<LocalReplicas, Trainer> make) {
    try (r) {
      ModelState[] last = new ModelState[1];
      TrainingLoop.run(make.apply(r), r, plan(r), 0, 0, new TrainingProgress() {
        @Override
        public void epochDone(EpochStats stats, ModelState state) {
          last[0] = state;
        }
      });
      return last[0].weights();
    }
  }

  static float[][] sync(LocalReplicas r) {
    return train(r, x -> new SyncSgd(x, new LiveWorkers(x), plan(x), WireFormat.FP32));
  }

  static double relativeDiff(float[][] a, float[][] b) {
    return FloatArrays.maxAbsDiff(a, b) / Math.max(1e-3, FloatArrays.maxAbs(a));
  }

  @Test
  void twoWorkersGiveTheWeightsOfOneWorkerWithTheCombinedBatch() {
    float[][] two = sync(InProcessReplicas.sharded(data, spec, init, 2, 16, 3));
    float[][] one = sync(InProcessReplicas.combined(data, spec, init, 2, 16, 3));
    double diff = relativeDiff(one, two);
    assertTrue(diff < TOLERANCE, "2 workers and 1 worker with the combined batch differ by " + diff);
    assertTrue(FloatArrays.maxAbsDiff(one, init.values()) > 1e-2, "training did not move the weights");
    float[][] otherBatches = sync(InProcessReplicas.sharded(data, spec, init, 1, 32, 3));
    double control = relativeDiff(one, otherBatches);
    System.out.printf("combined batch vs 2 workers: %.2e; other batches of the same size: %.2e%n", diff, control);
    assertTrue(control > 100 * TOLERANCE, "the comparison cannot tell batches apart: " + control);
  }

  @Test
  void twoWorkersInARingGiveTheWeightsOfOneWorkerWithTheCombinedBatch() {
    float[][] one = sync(InProcessReplicas.combined(data, spec, init, 2, 16, 3));
    LocalReplicas two = InProcessReplicas.sharded(data, spec, init, 2, 16, 3);
    float[][] ring = train(two, x -> new RingSgd(x, new LiveWorkers(x), plan(x), WireFormat.FP32,
        java.time.Duration.ofSeconds(30)));
    double diff = relativeDiff(one, ring);
    assertTrue(diff < TOLERANCE, "2 workers in a ring and 1 worker with the combined batch differ by " + diff);
  }

  @Test
  void parameterServerWithStalenessZeroEqualsSync() {
    float[][] expected = sync(InProcessReplicas.sharded(data, spec, init, 2, 16, 3));
    LocalReplicas r = InProcessReplicas.sharded(data, spec, init, 2, 16, 3);
    ModelState start = new ModelState(init.values(), FloatArrays.zerosLike(init.values()));
    float[][] actual = train(r, x -> new ParameterServer(x, new LiveWorkers(x), plan(x), start, 0, WireFormat.FP32));
    double diff = relativeDiff(expected, actual);
    assertTrue(diff < TOLERANCE, "staleness 0 differs from sync SGD by " + diff);
  }

  @Test
  void averagingEveryStepEqualsSync() {
    float[][] expected = sync(InProcessReplicas.sharded(data, spec, init, 2, 16, 3));
    LocalReplicas r = InProcessReplicas.sharded(data, spec, init, 2, 16, 3);
    float[][] actual = train(r, x -> new ModelAveraging(x, new LiveWorkers(x), plan(x), 1, WireFormat.FP32, null));
    double diff = relativeDiff(expected, actual);
    assertTrue(diff < TOLERANCE, "averaging every step differs from sync SGD by " + diff);
  }
}
