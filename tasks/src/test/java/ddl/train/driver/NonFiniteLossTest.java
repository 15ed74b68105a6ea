package ddl.train.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.train.driver.NonFiniteLoss.NonFiniteLossException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In process, a NaN or infinite loss under each driver: {@code --on-nan stop} ends the run at that
 * step, before any epoch's weights reach a checkpoint; {@code --on-nan skip} leaves that step's
 * update out and trains on with finite weights; a run whose weights diverge stops even when
 * skipping, after {@link NonFiniteLoss#MOST_IN_A_ROW} such steps.
 */
class NonFiniteLossTest {
  private static final int ROWS = 1200;
  private static final int FEATURES = 8;
  private static final int BATCH = 10;
  private static final int EPOCHS = 2;
  private static final int WORKERS = 2;

  /** The synthetic data with one NaN target, which poisons exactly one batch an epoch. */
  private static float[][] poisoned() {
    float[][] data = LinearReplicas.data(ROWS, FEATURES, 7);
    data[1][5] = Float.NaN;
    return data;
  }

  private static LocalReplicas linear(float[][] data) {
    return LinearReplicas.of(FEATURES, data[0], data[1], WORKERS, ROWS / WORKERS / BATCH,
        LinearReplicas.sharded(ROWS, WORKERS, BATCH, 11), false);
  }

  private static TrainingPlan plan(Replicas r, double lr, NonFiniteLoss.Policy policy) {
    return new TrainingPlan(EPOCHS, r.stepsPerEpoch(),
        new LearningRate(lr, LearningRate.Shape.CONSTANT, (long) EPOCHS * r.stepsPerEpoch(), 0), 0.9f,
        new NonFiniteLoss(policy));
  }

  private static Trainer trainer(String driver, Replicas r, TrainingPlan plan) {
    LiveWorkers workers = new LiveWorkers(r);
    return switch (driver) {
      case "master" -> new SyncSgd(r, workers, plan, WireFormat.FP32);
      case "ring" -> new RingSgd(r, workers, plan, WireFormat.FP32, Duration.ofSeconds(20));
      case "async" -> {
        float[][] zeros = {new float[FEATURES], new float[1]};
        yield new ParameterServer(r, workers, plan, new ModelState(zeros, FloatArrays.zerosLike(zeros)), 1,
            WireFormat.FP32);
      }
      default -> throw new IllegalArgumentException(driver);
    };
  }

  /** The last epoch's state handed on, as a checkpoint writer would get it. */
  private static final class LastState implements TrainingProgress {
    volatile ModelState last;

    @Override
    public void epochDone(EpochStats stats, ModelState state) {
      last = state;
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"master", "ring", "async"})
  void stopEndsTheRunAtTheFirstNonFiniteLoss(String driver) {
    try (LocalReplicas r = linear(poisoned())) {
      TrainingPlan plan = plan(r, 0.05, NonFiniteLoss.Policy.STOP);
      LastState progress = new LastState();
      NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
          () -> TrainingLoop.run(trainer(driver, r, plan), r, plan, 0, 0, progress));
      assertTrue(e.getMessage().startsWith("the training loss is NaN at epoch 1, step "), e.getMessage());
      assertTrue(e.getMessage().contains("--on-nan skip"), e.getMessage());
      assertNull(progress.last, "no epoch ended, so nothing could be saved");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"master", "ring", "async"})
  void skipLeavesTheStepOutAndTrainsOn(String driver) {
    try (LocalReplicas r = linear(poisoned())) {
      TrainingPlan plan = plan(r, 0.05, NonFiniteLoss.Policy.SKIP);
      LastState progress = new LastState();
      TrainingLoop.run(trainer(driver, r, plan), r, plan, 0, 0, progress);
      assertEquals(EPOCHS, plan.nonFinite().skipped(), "the poisoned batch, once an epoch");
      assertTrue(FloatArrays.allFinite(progress.last.weights()), "finite weights at the end");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"STOP", "SKIP"})
  void aDivergingRunStopsBeforeItsWeightsAreSaved(NonFiniteLoss.Policy policy) {
    try (LocalReplicas r = linear(LinearReplicas.data(ROWS, FEATURES, 7))) {
      TrainingPlan plan = plan(r, 50, policy);
      LastState progress = new LastState();
      NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
          () -> TrainingLoop.run(trainer("master", r, plan), r, plan, 0, 0, progress));
      assertTrue(e.getMessage().contains(policy == NonFiniteLoss.Policy.STOP ? "Lower --lr, or pass --on-nan skip"
          : NonFiniteLoss.MOST_IN_A_ROW + "th step in a row"), e.getMessage());
      assertNull(progress.last, "diverged within the first epoch, nothing saved");
    }
  }
}
