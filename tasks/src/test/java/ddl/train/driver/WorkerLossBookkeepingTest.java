package ddl.train.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.RemoteException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * In process, how the drivers account for a lost worker: sync SGD averages the live workers only
 * and applies every step once, the parameter server's gate never waits for a lost worker,
 * evaluation still covers every test slice, a lost worker that answers rejoins at the next epoch,
 * a worker's own failure still ends the run, and losing every worker fails with a clear message.
 */
class WorkerLossBookkeepingTest {
  private static final int ROWS = 1200;
  private static final int FEATURES = 8;
  private static final int BATCH = 10;
  private static final int EPOCHS = 3;
  private static final float[][] DATA = LinearReplicas.data(ROWS, FEATURES, 7);

  private static LocalReplicas linear(int n) {
    return LinearReplicas.of(FEATURES, DATA[0], DATA[1], n, ROWS / n / BATCH,
        LinearReplicas.sharded(ROWS, n, BATCH, 11), false);
  }

  private static LocalReplicas slow(int n, int slowWorker) {
    return LinearReplicas.of(FEATURES, DATA[0], DATA[1], n, ROWS / n / BATCH,
        LinearReplicas.sharded(ROWS, n, BATCH, 11), false, slowWorker, WireFormat.FP32);
  }

  private static TrainingPlan plan(Replicas r) {
    LearningRate lr = new LearningRate(0.05, LearningRate.Shape.COSINE, (long) EPOCHS * r.stepsPerEpoch(), 5);
    return new TrainingPlan(EPOCHS, r.stepsPerEpoch(), lr, 0.9f);
  }

  /** A run's log lines, step count and last model state. */
  private static final class Heard implements TrainingProgress {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final AtomicInteger steps = new AtomicInteger();
    volatile ModelState last;

    @Override
    public void stepDone(int epoch, int step, float loss) {
      steps.incrementAndGet();
    }

    @Override
    public void epochDone(EpochStats stats, ModelState state) {
      last = state;
    }
  }

  private static SyncSgd sync(FlakyReplicas r, Heard heard) {
    return new SyncSgd(r, new LiveWorkers(r, heard.lines::add), plan(r), WireFormat.FP32);
  }

  private static RingSgd ring(FlakyReplicas r, Heard heard) {
    return new RingSgd(r, new LiveWorkers(r, heard.lines::add), plan(r), WireFormat.FP32, Duration.ofSeconds(20));
  }

  @Test
  void syncAveragesTheGradientsOfTheLiveWorkersOnly() {
    FlakyReplicas r = new FlakyReplicas(linear(3)).lose(2, 1, 0);
    Heard heard = new Heard();
    TrainingLoop.run(sync(r, heard), r, plan(r), 0, 0, heard);

    // The same run by hand: epoch 1 on three workers, then two workers on the same shards.
    ModelState afterFirst;
    try (LocalReplicas three = linear(3)) {
      SyncSgd first = new SyncSgd(three, new LiveWorkers(three), plan(three), WireFormat.FP32);
      first.runEpoch(0, StepListener.NONE);
      afterFirst = first.endEpoch(0);
    }
    float[][] byHand;
    try (LocalReplicas two = LinearReplicas.of(FEATURES, DATA[0], DATA[1], 2, ROWS / 3 / BATCH,
        LinearReplicas.sharded(ROWS, 3, BATCH, 11), false)) {
      two.setState(0, afterFirst).await();
      two.setState(1, afterFirst).await();
      SyncSgd rest = new SyncSgd(two, new LiveWorkers(two), plan(two), WireFormat.FP32);
      rest.runEpoch(1, StepListener.NONE);
      rest.endEpoch(1);
      rest.runEpoch(2, StepListener.NONE);
      byHand = rest.endEpoch(2).weights();
    }
    assertEquals(0.0, FloatArrays.maxAbsDiff(byHand, heard.last.weights()),
        "after the loss each step must be the mean of the two live workers' gradients");
    assertEquals(EPOCHS * r.stepsPerEpoch(), heard.steps.get());
    assertEquals(r.stepsPerEpoch() + 1, r.stepCalls(2), "the lost worker is not asked again");
    assertTrue(heard.lines.get(0).startsWith("worker 127.0.0.1:7403 lost at epoch 2, step 1 of 40 (the connection"
        + " closed); continuing with 2 of 3 workers; its 400 training rows are left out until the next epoch start"
        + " shares the rows out again"),
        heard.lines.get(0));
  }

  @Test
  void aRingStepWhoseMemberIsLostRunsAgainOnTheReformedRing() {
    FlakyReplicas viaRing = new FlakyReplicas(linear(3)).lose(1, 1, 7);
    Heard heard = new Heard();
    List<EpochStats> stats = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> TrainingLoop.run(ring(viaRing, heard), viaRing, plan(viaRing), 0, 0, heard),
        "the members waiting for the lost one were not stopped");
    int steps = viaRing.stepsPerEpoch();
    assertEquals(EPOCHS * steps, heard.steps.get(), "no step lost or repeated");
    assertEquals((3L * 7 + 2L * (steps - 7)) * BATCH, stats.get(1).samples(), "the lost worker's rows are skipped");
    assertEquals(EPOCHS * steps + 1, viaRing.stepCalls(0), "step 8 of epoch 2 ran twice on worker 0: once broken");

    FlakyReplicas viaMaster = new FlakyReplicas(linear(3)).lose(1, 1, 7);
    Heard master = new Heard();
    TrainingLoop.run(sync(viaMaster, master), viaMaster, plan(viaMaster), 0, 0, master);
    double diff = FloatArrays.maxAbsDiff(heard.last.weights(), master.last.weights())
        / FloatArrays.maxAbs(master.last.weights());
    assertTrue(diff < 1e-4, "the ring run differs from the same run through the master by " + diff);
  }

  @Test
  void aRingTakesARejoinedWorkerBack() {
    FlakyReplicas r = new FlakyReplicas(linear(2)).lose(1, 0, 5).comesBack(1);
    Heard heard = new Heard();
    List<EpochStats> stats = TrainingLoop.run(ring(r, heard), r, plan(r), 0, 0, heard);
    assertEquals(2L * r.stepsPerEpoch() * BATCH, stats.get(1).samples(), "both workers in the ring again in epoch 2");
    assertTrue(heard.lines.get(1).contains(" rejoined at epoch 2"), heard.lines.toString());
    assertTrue(stats.get(EPOCHS - 1).testLoss() < 0.1, "still learns: " + stats.get(EPOCHS - 1).testLoss());
  }

  @Test
  void syncAppliesEveryStepOnceWhenAWorkerIsLostMidEpoch() {
    FlakyReplicas r = new FlakyReplicas(linear(3)).lose(1, 1, 7);
    Heard heard = new Heard();
    SyncSgd flaky = sync(r, heard);
    List<EpochStats> stats = TrainingLoop.run(flaky, r, plan(r), 0, 0, heard);
    int steps = r.stepsPerEpoch();
    assertEquals(EPOCHS * steps, heard.steps.get(), "no step lost or repeated");
    assertEquals(EPOCHS * steps, r.stepCalls(0));
    assertEquals(EPOCHS * steps, r.stepCalls(2));
    assertEquals(3L * steps * BATCH, stats.get(0).samples());
    assertEquals((3L * 7 + 2L * (steps - 7)) * BATCH, stats.get(1).samples(), "the lost worker's rows are skipped");
    assertEquals(2L * steps * BATCH, stats.get(2).samples());
    assertEquals(1, heard.lines.stream().filter(l -> l.contains(" lost at ")).count(), heard.lines.toString());
    assertTrue(stats.get(2).testLoss() < 0.1, "still learns: test loss " + stats.get(2).testLoss());
  }

  @Test
  void evaluationCoversTheLostWorkersTestSliceToo() {
    FlakyReplicas r = new FlakyReplicas(linear(3)).lose(0, 0, 2);
    Heard heard = new Heard();
    SyncSgd flaky = sync(r, heard);
    flaky.runEpoch(0, StepListener.NONE);
    flaky.endEpoch(0);
    Evaluation e = TestSetEvaluation.run(r, flaky.workers(), "a test");
    assertEquals(ROWS, e.count(), "every slice evaluated once");
  }

  @Test
  void theGateNeverWaitsForALostWorker() {
    for (int bound : new int[] {0, 2}) {
      FlakyReplicas r = new FlakyReplicas(slow(3, 1)).lose(1, 0, 4);
      Heard heard = new Heard();
      ParameterServer ps = new ParameterServer(r, new LiveWorkers(r, heard.lines::add), plan(r), zeros(), bound,
          WireFormat.FP32);
      List<EpochStats> stats = assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> TrainingLoop.run(ps, r, plan(r), 0, 0, heard), "a live worker waited for the lost one");
      int steps = r.stepsPerEpoch();
      assertEquals(EPOCHS * steps, r.stepCalls(0));
      assertEquals(EPOCHS * steps, r.stepCalls(2));
      assertEquals(5, r.stepCalls(1));
      assertTrue(ps.widestSpread() <= bound + 1, "spread " + ps.widestSpread() + " with bound " + bound);
      assertTrue(stats.get(EPOCHS - 1).testLoss() < 0.1, "still learns: " + stats.get(EPOCHS - 1).testLoss());
      assertEquals(1, heard.lines.stream().filter(l -> l.contains(" lost at epoch 1, step 5 of 40")).count(),
          heard.lines.toString());
    }
  }

  @Test
  void gateRuleHoldsAmongTheOthersOnceAWorkerIsRemoved() {
    StalenessGate gate = new StalenessGate(3, 0);
    gate.finished(0);
    gate.finished(2);
    assertFalse(gate.mayStart(0), "worker 1 has not finished its step");
    gate.remove(1);
    assertTrue(gate.mayStart(0));
    assertTrue(gate.mayStart(2));
    gate.finished(0);
    assertFalse(gate.mayStart(0), "bound 0 still holds between workers 0 and 2");
  }

  @Test
  void averagingGoesOnWithoutALostWorker() {
    FlakyReplicas r = new FlakyReplicas(linear(3)).lose(1, 1, 8);
    Heard heard = new Heard();
    ModelAveraging avg = new ModelAveraging(r, new LiveWorkers(r, heard.lines::add), plan(r), 4, WireFormat.FP32,
        null);
    List<EpochStats> stats = TrainingLoop.run(avg, r, plan(r), 0, 0, heard);
    assertEquals(EPOCHS, stats.size());
    assertTrue(stats.get(EPOCHS - 1).testLoss() < 0.1, "still learns: " + stats.get(EPOCHS - 1).testLoss());
    assertTrue(heard.lines.get(0).contains(" lost at epoch 2, step 9 of 40"), heard.lines.toString());
  }

  @Test
  void averagingTakesARejoinedWorkerBack() {
    FlakyReplicas r = new FlakyReplicas(linear(2)).lose(1, 0, 8).comesBack(1);
    Heard heard = new Heard();
    ModelAveraging avg = new ModelAveraging(r, new LiveWorkers(r, heard.lines::add), plan(r), 4, WireFormat.FP32,
        null);
    List<EpochStats> stats = TrainingLoop.run(avg, r, plan(r), 0, 0, heard);
    assertEquals(2L * r.stepsPerEpoch() * BATCH, stats.get(1).samples(), "both workers average again in epoch 2");
    assertTrue(heard.lines.get(1).contains(" rejoined at epoch 2"), heard.lines.toString());
    assertTrue(stats.get(EPOCHS - 1).testLoss() < 0.1, "still learns: " + stats.get(EPOCHS - 1).testLoss());
  }

  @Test
  void aLostWorkerThatAnswersRejoinsAtTheNextEpoch() {
    FlakyReplicas r = new FlakyReplicas(linear(2)).lose(1, 0, 5).comesBack(1);
    Heard heard = new Heard();
    SyncSgd flaky = sync(r, heard);
    List<EpochStats> stats = TrainingLoop.run(flaky, r, plan(r), 0, 0, heard);
    int steps = r.stepsPerEpoch();
    assertEquals(1, r.reconnects(1));
    assertEquals(6 + 2 * steps, r.stepCalls(1), "used again from epoch 2 on");
    assertEquals(2L * steps * BATCH, stats.get(1).samples());
    assertEquals(2, heard.lines.size(), heard.lines.toString());
    assertEquals("worker 127.0.0.1:7402 rejoined at epoch 2; training on 2 of 2 workers", heard.lines.get(1));
    assertEquals(1, flaky.workers().rejoins());
  }

  @Test
  void aWorkerThatStaysAwayIsTriedAgainWithBackoff() {
    FlakyReplicas r = new FlakyReplicas(linear(2)).lose(1, 0, 5);
    Heard heard = new Heard();
    SyncSgd flaky = sync(r, heard);
    TrainingLoop.run(flaky, r, plan(r), 0, 0, heard);
    assertEquals(1, r.reconnects(1), "tried at the next epoch start, then not before the backoff has passed");
    assertTrue(heard.lines.get(1).startsWith("worker 127.0.0.1:7402 still unreachable at epoch 2 (cannot connect"),
        heard.lines.toString());
  }

  @Test
  void aWorkersOwnFailureStillFailsTheRun() {
    FlakyReplicas r = new FlakyReplicas(linear(2)).bug(1, 0, 3);
    RemoteException e = assertThrows(RemoteException.class,
        () -> TrainingLoop.run(sync(r, new Heard()), r, plan(r), 0, 0, new Heard()));
    assertTrue(e.getMessage().contains("a bug in the worker's code"), e.getMessage());
    FlakyReplicas async = new FlakyReplicas(linear(2)).bug(0, 0, 3);
    ParameterServer ps = new ParameterServer(async, new LiveWorkers(async), plan(async), zeros(), 1, WireFormat.FP32);
    assertThrows(RemoteException.class, () -> ps.runEpoch(0, StepListener.NONE));
  }

  private static ModelState zeros() {
    float[][] w = {new float[FEATURES], new float[1]};
    return new ModelState(w, FloatArrays.zerosLike(w));
  }

  @Test
  void losingEveryWorkerFailsWithAMessageSayingWhatToDo() {
    FlakyReplicas r = new FlakyReplicas(linear(2)).lose(0, 0, 3).lose(1, 1, 2);
    Heard heard = new Heard();
    AllWorkersLostException e = assertThrows(AllWorkersLostException.class,
        () -> TrainingLoop.run(sync(r, heard), r, plan(r), 0, 0, heard));
    assertTrue(e.getMessage().startsWith("all 2 workers of this run are lost (the last, 127.0.0.1:7402, at epoch 2,"
        + " step 3 of 60"), e.getMessage());
    assertTrue(e.getMessage().endsWith("start them again (scripts/start N)"), e.getMessage()); // the run says how to go on
  }
}
