package ddl.train.driver;

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

  private static ModelState zeros() {
    float[][] w = {new float[4], new float[1]};
    return new ModelState(w, FloatArrays.zerosLike(w));
  }

  private static long spreadWithSlowWorker(int bound) {
    float[][] d = LinearReplicas.data(600, 4, 3);
    try (LocalReplicas r = LinearReplicas.of(4, d[0], d[1], 2, 30, LinearReplicas.sharded(600, 2, 10, 5), false, 1,
        WireFormat.FP32)) {
      TrainingPlan plan = new TrainingPlan(1, 30, LearningRate.constant(0.01), 0.5f);
      ParameterServer ps = new ParameterServer(r, new LiveWorkers(r), plan, zeros(), bound, WireFormat.FP32);
      ps.runEpoch(0, StepListener.NONE);
      return ps.widestSpread();
    }
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
    try (LocalReplicas healthy = LinearReplicas.of(4, d[0], d[1], 2, 30, LinearReplicas.sharded(600, 2, 10, 5),
        false)) {
      FlakyReplicas failing = new FlakyReplicas(healthy).bug(1, 0, 3);
      ParameterServer ps = new ParameterServer(failing, new LiveWorkers(failing),
          new TrainingPlan(1, 30, LearningRate.constant(0.01), 0.5f), zeros(), 0, WireFormat.FP32);
      RuntimeException e = assertThrows(RuntimeException.class, () -> ps.runEpoch(0, StepListener.NONE));
      assertTrue(e.getMessage().contains("a bug in the worker's code"), e.getMessage());
    }
  }
}
