package ddl.master.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The training drivers agree with each other where the maths says they must, on in-process
 * linear-regression workers: sync SGD over several workers equals one worker with the combined
 * batch, the parameter server with staleness 0 equals sync SGD, model averaging every step equals
 * sync SGD.
 */
class DriverEquivalenceTest {
  private static final int ROWS = 1200;
  private static final int FEATURES = 8;
  private static final int BATCH = 10;
  private static final int EPOCHS = 3;
  /**
   * Largest difference allowed, relative to the largest weight: the drivers sum the same numbers in
   * different orders, and momentum carries rounding differences over hundreds of steps.
   */
  private static final double TOLERANCE = 1e-4;

  private static LinearReplicas workers(int n, boolean jitter) {
    float[][] d = LinearReplicas.data(ROWS, FEATURES, 7);
    int steps = ROWS / n / BATCH;
    return new LinearReplicas(FEATURES, d[0], d[1], n, steps, LinearReplicas.sharded(ROWS, n, BATCH, 11),
        jitter);
  }

  private static TrainingPlan plan(Replicas r) {
    LearningRate lr = new LearningRate(0.05, LearningRate.Shape.COSINE, (long) EPOCHS * r.stepsPerEpoch(), 5);
    return new TrainingPlan(EPOCHS, r.stepsPerEpoch(), lr, 0.9f);
  }

  private static float[][] train(Trainer t, Replicas r) {
    List<EpochStats> stats = TrainingLoop.run(t, r, plan(r), 0, 0, new TrainingProgress() {});
    assertEquals(EPOCHS, stats.size());
    return t.weights();
  }

  private static float[][] sync(LinearReplicas r) {
    float[][] w = r.initialWeights();
    return train(new SyncSgd(r, plan(r), w, new MomentumSgd(0.9f, w)), r);
  }

  private static double relativeDiff(float[][] a, float[][] b) {
    return FloatArrays.maxAbsDiff(a, b) / Math.max(1e-3, FloatArrays.maxAbs(a));
  }

  @Test
  void syncSgdMatchesSingleWorkerWithCombinedBatch() {
    for (int n : new int[] {2, 3}) {
      LinearReplicas many = workers(n, false);
      float[][] d = LinearReplicas.data(ROWS, FEATURES, 7);
      LinearReplicas one = new LinearReplicas(FEATURES, d[0], d[1], 1, many.stepsPerEpoch(),
          LinearReplicas.combined(LinearReplicas.sharded(ROWS, n, BATCH, 11), n), false);
      float[][] a = sync(many);
      float[][] b = sync(one);
      double diff = relativeDiff(a, b);
      assertTrue(diff < TOLERANCE, n + " workers differ from one worker with their combined batch by " + diff);
      assertTrue(FloatArrays.maxAbs(a) > 0.1, "the model did not move");
    }
  }

  @Test
  void asyncWithStalenessZeroMatchesSync() {
    for (int n : new int[] {2, 3}) {
      float[][] expected = sync(workers(n, false));
      LinearReplicas r = workers(n, true);
      float[][] w = r.initialWeights();
      float[][] actual = train(new ParameterServer(r, plan(r), w, new MomentumSgd(0.9f, w), 0), r);
      double diff = relativeDiff(expected, actual);
      assertTrue(diff < TOLERANCE, "staleness 0 with " + n + " workers differs from sync SGD by " + diff);
    }
  }

  @Test
  void averagingEveryStepMatchesSync() {
    float[][] expected = sync(workers(2, false));
    LinearReplicas r = workers(2, false);
    float[][] w = r.initialWeights();
    float[][] actual = train(new ModelAveraging(r, plan(r), w, FloatArrays.zerosLike(w), 1), r);
    double diff = relativeDiff(expected, actual);
    assertTrue(diff < TOLERANCE, "averaging every step differs from sync SGD by " + diff);
  }

  @Test
  void averagingEveryFewStepsStillLearnsButDiffersFromSync() {
    LinearReplicas r = workers(2, false);
    float[][] w = r.initialWeights();
    double before = TrainingLoop.evaluate(r, w).meanLoss();
    float[][] averaged = train(new ModelAveraging(r, plan(r), w, FloatArrays.zerosLike(w), 8), r);
    double after = TrainingLoop.evaluate(r, averaged).meanLoss();
    assertTrue(after < before / 10, "loss went from " + before + " to " + after);

    // Both end near the same least-squares optimum; after one epoch their paths still differ.
    LinearReplicas a = workers(2, false);
    float[][] wa = a.initialWeights();
    new ModelAveraging(a, plan(a), wa, FloatArrays.zerosLike(wa), 8).runEpoch(0, StepListener.NONE);
    LinearReplicas b = workers(2, false);
    float[][] wb = b.initialWeights();
    new SyncSgd(b, plan(b), wb, new MomentumSgd(0.9f, wb)).runEpoch(0, StepListener.NONE);
    double apart = relativeDiff(wa, wb);
    assertTrue(apart > 100 * TOLERANCE, "averaging every 8 steps should not follow sync SGD to rounding: " + apart);
  }

  @Test
  void unboundedAsyncLearnsToo() {
    LinearReplicas r = workers(3, true);
    float[][] w = r.initialWeights();
    double before = TrainingLoop.evaluate(r, w).meanLoss();
    ParameterServer ps = new ParameterServer(r, plan(r), w, new MomentumSgd(0.9f, w), -1);
    double after = TrainingLoop.evaluate(r, train(ps, r)).meanLoss();
    assertTrue(after < before / 10, "loss went from " + before + " to " + after);
  }

  @Test
  void resumingFromTheVelocityContinuesExactly() {
    LinearReplicas r = workers(2, false);
    float[][] straight = sync(r);
    TrainingPlan plan = plan(r);
    float[][] w = r.initialWeights();
    MomentumSgd first = new MomentumSgd(0.9f, w);
    SyncSgd part = new SyncSgd(r, plan, w, first);
    part.runEpoch(0, StepListener.NONE);
    float[][] savedW = FloatArrays.copy(part.weights());
    float[][] savedV = part.velocity();
    SyncSgd resumed = new SyncSgd(r, plan, savedW, MomentumSgd.resume(0.9f, savedV));
    TrainingLoop.run(resumed, r, plan, 1, 0, new TrainingProgress() {});
    assertEquals(0.0, FloatArrays.maxAbsDiff(straight, resumed.weights()));
  }
}
