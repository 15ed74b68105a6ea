package ddl.train.driver;

/** Hears of a training run's epochs and steps: progress bars, epoch lines, checkpoints, plots. */
public interface TrainingProgress extends StepListener {
  /** 0-based epoch {@code epoch} of {@code epochs} is about to run {@code steps} steps. */
  default void epochStarting(int epoch, int epochs, int steps) {}

  /** An epoch finished and was evaluated; {@code state} is the model after it. */
  default void epochDone(EpochStats stats, ModelState state) {}

  @Override
  default void stepDone(int epoch, int step, float loss) {}
}
