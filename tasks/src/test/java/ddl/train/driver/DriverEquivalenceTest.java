package ddl.train.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The training drivers agree with each other where the maths says they must, on in-process
 * linear-regression workers: sync SGD over several workers equals one worker with the combined
 * batch, through the master or a ring, the parameter server with staleness 0 equals sync SGD,
 * model averaging every step equals sync SGD, and bfloat16 on the wire stays close.
 */
class DriverEquivalenceTest {
  private static final int ROWS = 1200;
  private static final int FEATURES = 8;
  private static final int BATCH = 10;
  private static final int EPOCHS = 3;
  private static final Duration RING_TIMEOUT = Duration.ofSeconds(20);
  /**
   * Largest difference allowed, relative to the largest weight: the drivers sum the same numbers in
   * different orders, and momentum carries rounding differences over hundreds of steps.
   */
  private static final double TOLERANCE = 1e-4;

  private static LocalReplicas workers(int n, boolean jitter) {
    return workers(n, jitter, WireFormat.FP32);
  }

  private static LocalReplicas workers(int n, boolean jitter, WireFormat format) {
    float[][] d = LinearReplicas.data(ROWS, FEATURES, 7);
    int steps = ROWS / n / BATCH;
    return LinearReplicas.of(FEATURES, d[0], d[1], n, steps, LinearReplicas.sharded(ROWS, n, BATCH, 11), jitter,
        -1, format);
  }

  static TrainingPlan plan(Replicas r) {
    LearningRate lr = new LearningRate(0.05, LearningRate.Shape.COSINE, (long) EPOCHS * r.stepsPerEpoch(), 5);
    return new TrainingPlan(EPOCHS, r.stepsPerEpoch(), lr, 0.9f);
  }

  /** Trains for the plan's epochs; the final weights. */
  private static float[][] train(Trainer t, Replicas r) {
    ModelState[] last = new ModelState[1];
    List<EpochStats> stats = TrainingLoop.run(t, r, plan(r), 0, 0, new TrainingProgress() {
      @Override
      public void epochDone(EpochStats s, ModelState state) {
        last[0] = state;
      }
    });
    assertEquals(EPOCHS, stats.size());
    return last[0].weights();
  }

  private static float[][] sync(LocalReplicas r) {
    try (r) {
      return train(new SyncSgd(r, new LiveWorkers(r), plan(r), WireFormat.FP32), r);
    }
  }

  private static float[][] ring(LocalReplicas r, WireFormat format) {
    try (r) {
      return train(new RingSgd(r, new LiveWorkers(r), plan(r), format, RING_TIMEOUT), r);
    }
  }

  private static double relativeDiff(float[][] a, float[][] b) {
    return FloatArrays.maxAbsDiff(a, b) / Math.max(1e-3, FloatArrays.maxAbs(a));
  }

  @Test
  void syncSgdMatchesSingleWorkerWithCombinedBatch() {
    for (int n : new int[] {2, 3}) {
      float[][] d = LinearReplicas.data(ROWS, FEATURES, 7);
      LocalReplicas one = LinearReplicas.of(FEATURES, d[0], d[1], 1, ROWS / n / BATCH,
          LinearReplicas.combined(LinearReplicas.sharded(ROWS, n, BATCH, 11), n), false);
      float[][] b = sync(one);
      float[][] a = sync(workers(n, false));
      double diff = relativeDiff(a, b);
      assertTrue(diff < TOLERANCE, n + " workers differ from one worker with their combined batch by " + diff);
      assertTrue(FloatArrays.maxAbs(a) > 0.1, "the model did not move");
      float[][] r = ring(workers(n, false), WireFormat.FP32);
      double ringDiff = relativeDiff(r, b);
      assertTrue(ringDiff < TOLERANCE, n + " workers in a ring differ from one worker by " + ringDiff);
    }
  }

  @Test
  void twoWorkersInARingSumInTheSameOrderAsTheMaster() {
    // With two workers a + b is b + a, so the ring's mean is the master's bit for bit.
    assertEquals(0.0, FloatArrays.maxAbsDiff(sync(workers(2, false)), ring(workers(2, false), WireFormat.FP32)));
  }

  @Test
  void bfloat16OnTheWireStaysCloseToFp32() {
    float[][] exact = sync(workers(3, false));
    float[][] master = train16(workers(3, false, WireFormat.BF16));
    float[][] ring = ring(workers(3, false, WireFormat.BF16), WireFormat.BF16);
    for (float[][] w : new float[][][] {master, ring}) {
      double diff = relativeDiff(exact, w);
      assertTrue(diff < 0.02, "bf16 gradients moved the weights by " + diff + " relative to fp32");
      assertTrue(diff > 0, "bf16 rounding changes nothing? " + diff);
    }
  }

  private static float[][] train16(LocalReplicas r) {
    try (r) {
      return train(new SyncSgd(r, new LiveWorkers(r), plan(r), WireFormat.BF16), r);
    }
  }

  @Test
  void asyncWithStalenessZeroMatchesSync() {
    for (int n : new int[] {2, 3}) {
      float[][] expected = sync(workers(n, false));
      try (LocalReplicas r = workers(n, true)) {
        ModelState start = r.model(0).state();
        float[][] actual = train(new ParameterServer(r, new LiveWorkers(r), plan(r), start, 0, WireFormat.FP32), r);
        double diff = relativeDiff(expected, actual);
        assertTrue(diff < TOLERANCE, "staleness 0 with " + n + " workers differs from sync SGD by " + diff);
      }
    }
  }

  @Test
  void averagingEveryStepMatchesSyncThroughTheMasterAndInARing() {
    float[][] expected = sync(workers(2, false));
    for (Duration ring : new Duration[] {null, RING_TIMEOUT}) {
      try (LocalReplicas r = workers(2, false)) {
        float[][] actual = train(new ModelAveraging(r, new LiveWorkers(r), plan(r), 1, WireFormat.FP32, ring), r);
        double diff = relativeDiff(expected, actual);
        assertTrue(diff < TOLERANCE, "averaging every step " + (ring == null ? "through the master" : "in a ring")
            + " differs from sync SGD by " + diff);
      }
    }
  }

  @Test
  void averagingEveryFewStepsStillLearnsButDiffersFromSync() {
    try (LocalReplicas r = workers(2, false)) {
      double before = TrainingLoop.evaluate(r).meanLoss();
      train(new ModelAveraging(r, new LiveWorkers(r), plan(r), 8, WireFormat.FP32, null), r);
      double after = TrainingLoop.evaluate(r).meanLoss();
      assertTrue(after < before / 10, "loss went from " + before + " to " + after);
    }
    // Both end near the same least-squares optimum; after one epoch their paths still differ.
    float[][] wa;
    try (LocalReplicas a = workers(2, false)) {
      ModelAveraging avg = new ModelAveraging(a, new LiveWorkers(a), plan(a), 8, WireFormat.FP32, null);
      avg.runEpoch(0, StepListener.NONE);
      wa = avg.endEpoch(0).weights();
    }
    float[][] wb;
    try (LocalReplicas b = workers(2, false)) {
      SyncSgd sync = new SyncSgd(b, new LiveWorkers(b), plan(b), WireFormat.FP32);
      sync.runEpoch(0, StepListener.NONE);
      wb = sync.endEpoch(0).weights();
    }
    double apart = relativeDiff(wa, wb);
    assertTrue(apart > 100 * TOLERANCE, "averaging every 8 steps should not follow sync SGD to rounding: " + apart);
  }

  @Test
  void unboundedAsyncLearnsToo() {
    try (LocalReplicas r = workers(3, true)) {
      double before = TrainingLoop.evaluate(r).meanLoss();
      train(new ParameterServer(r, new LiveWorkers(r), plan(r), r.model(0).state(), -1, WireFormat.FP32), r);
      double after = TrainingLoop.evaluate(r).meanLoss();
      assertTrue(after < before / 10, "loss went from " + before + " to " + after);
    }
  }

  @Test
  void resumingFromTheStateContinuesExactly() {
    float[][] straight = sync(workers(2, false));
    ModelState saved;
    try (LocalReplicas r = workers(2, false)) {
      SyncSgd part = new SyncSgd(r, new LiveWorkers(r), plan(r), WireFormat.FP32);
      part.runEpoch(0, StepListener.NONE);
      saved = part.endEpoch(0);
    }
    try (LocalReplicas r = workers(2, false)) {
      for (int w = 0; w < 2; w++) {
        r.setState(w, saved).await();
      }
      ModelState[] last = new ModelState[1];
      TrainingLoop.run(new SyncSgd(r, new LiveWorkers(r), plan(r), WireFormat.FP32), r, plan(r), 1, 0,
          new TrainingProgress() {
            @Override
            public void epochDone(EpochStats s, ModelState state) {
              last[0] = state;
            }
          });
      assertEquals(0.0, FloatArrays.maxAbsDiff(straight, last[0].weights()));
    }
  }

  @Test
  void replicasThatDisagreeStopTheRunSayingSo() {
    try (LocalReplicas r = workers(2, false)) {
      SyncSgd sync = new SyncSgd(r, new LiveWorkers(r), plan(r), WireFormat.FP32);
      sync.runEpoch(0, StepListener.NONE);
      r.model(1).weights()[0][3] += 1e-3f; // one replica's memory goes wrong
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> sync.endEpoch(0));
      assertTrue(e.getMessage().contains("the replicas' weights differ after epoch 1"), e.getMessage());
      assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }
  }
}
