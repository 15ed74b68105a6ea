package ddl.master.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The staleness rule, and the parameter server keeping a fast worker within it. */
class StalenessGateTest {

  @Test
  void fastWorkerMayNotStartOnceItIsMoreThanBoundStepsAhead() {
    StalenessGate gate = new StalenessGate(2, 2);
    for (int i = 0; i < 2; i++) {
      assertTrue(gate.mayStart(0));
      gate.finished(0);
    }
    assertTrue(gate.mayStart(0), "2 ahead with bound 2 may go on");
    gate.finished(0);
    assertFalse(gate.mayStart(0), "3 ahead with bound 2 must wait");
    assertTrue(gate.mayStart(1));
    gate.finished(1);
    assertTrue(gate.mayStart(0), "worker 1 caught up a step");
    assertEquals(2, gate.spread());
  }

  @Test
  void boundZeroIsLockStep() {
    StalenessGate gate = new StalenessGate(3, 0);
    gate.finished(0);
    assertFalse(gate.mayStart(0));
    gate.finished(1);
    assertFalse(gate.mayStart(0));
    gate.finished(2);
    assertTrue(gate.mayStart(0));
    assertTrue(gate.mayStart(1));
  }

  @Test
  void unboundedNeverHoldsBack() {
    StalenessGate gate = new StalenessGate(3, StalenessGate.parseBound("inf"));
    for (int i = 0; i < 1000; i++) {
      assertTrue(gate.mayStart(0));
      gate.finished(0);
    }
    assertEquals(1000, gate.finishedSteps()[0]);
    assertTrue(gate.unbounded());
  }

  @Test
  void parsesBounds() {
    assertEquals(-1, StalenessGate.parseBound("-1"));
    assertEquals(-1, StalenessGate.parseBound("unbounded"));
    assertEquals(4, StalenessGate.parseBound("4"));
    assertThrows(IllegalArgumentException.class, () -> StalenessGate.parseBound("soon"));
  }

  private static long spreadWithSlowWorker(int bound) {
    float[][] d = LinearReplicas.data(600, 4, 3);
    LinearReplicas r = new LinearReplicas(4, d[0], d[1], 2, 30, LinearReplicas.sharded(600, 2, 10, 5), false)
        .slow(1);
    float[][] w = r.initialWeights();
    TrainingPlan plan = new TrainingPlan(1, 30, LearningRate.constant(0.01), 0.5f);
    ParameterServer ps = new ParameterServer(r, plan, w, new MomentumSgd(0.5f, w), bound);
    ps.runEpoch(0, StepListener.NONE);
    return ps.widestSpread();
  }

  @Test
  void parameterServerKeepsTheFastWorkerWithinTheBound() {
    assertTrue(spreadWithSlowWorker(0) <= 1);
    assertTrue(spreadWithSlowWorker(3) <= 4);
    long unbounded = spreadWithSlowWorker(-1);
    assertTrue(unbounded > 10, "without a bound the fast worker should run far ahead; it got " + unbounded
        + " steps ahead");
  }

  @Test
  void aFailingWorkerStopsTheOthers() {
    float[][] d = LinearReplicas.data(600, 4, 3);
    LinearReplicas healthy = new LinearReplicas(4, d[0], d[1], 2, 30, LinearReplicas.sharded(600, 2, 10, 5),
        false);
    Replicas failing = new Replicas() {
      @Override public int size() { return 2; }
      @Override public int stepsPerEpoch() { return 30; }
      @Override public io.vertx.core.Future<Gradient> gradient(int worker, GradientRequest request) {
        return worker == 1 && request.step() == 3
            ? io.vertx.core.Future.failedFuture(new IllegalStateException("worker 1 lost"))
            : healthy.gradient(worker, request);
      }
      @Override public io.vertx.core.Future<LocalStepsResult> localSteps(int worker, LocalStepsRequest r) {
        throw new UnsupportedOperationException();
      }
      @Override public io.vertx.core.Future<float[][]> localVelocity(int worker) {
        throw new UnsupportedOperationException();
      }
      @Override public io.vertx.core.Future<Evaluation> evaluate(int worker, float[][] weights) {
        throw new UnsupportedOperationException();
      }
    };
    float[][] w = healthy.initialWeights();
    ParameterServer ps = new ParameterServer(failing, new TrainingPlan(1, 30, LearningRate.constant(0.01), 0.5f), w,
        new MomentumSgd(0.5f, w), 0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ps.runEpoch(0, StepListener.NONE));
    assertTrue(e.getMessage().contains("worker 1 lost"), e.getMessage());
  }
}
