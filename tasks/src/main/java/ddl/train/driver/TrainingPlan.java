package ddl.train.driver;

/**
 * The settings of a training run. Steps per epoch change when the live workers do (see
 * {@link #withStepsPerEpoch}).
 *
 * @param epochs epochs in the whole run
 * @param stepsPerEpoch global steps per epoch
 * @param learningRate the learning rate per global step
 * @param momentum the momentum of SGD, in [0, 1)
 * @param nonFinite what to do when a step's loss is NaN or infinite
 */
public record TrainingPlan(int epochs, int stepsPerEpoch, LearningRate learningRate, float momentum,
    NonFiniteLoss nonFinite) {
  /** A plan that stops at the first NaN or infinite loss. */
  public TrainingPlan(int epochs, int stepsPerEpoch, LearningRate learningRate, float momentum) {
    this(epochs, stepsPerEpoch, learningRate, momentum, NonFiniteLoss.stop());
  }

  public TrainingPlan {
    if (epochs < 1 || stepsPerEpoch < 1) {
      throw new IllegalArgumentException("a training plan needs epochs >= 1 and steps per epoch >= 1; got "
          + epochs + " and " + stepsPerEpoch + " (is the batch larger than a worker's shard?)");
    }
  }

  /**
   * Checks step {@code step}'s loss (see {@link NonFiniteLoss#skips}): true when its update must be
   * left out; throws when the run must stop.
   */
  public boolean skips(int epoch, int step, double loss) {
    return nonFinite.skips(epoch, step, stepsPerEpoch, loss, learningRate.at(globalStep(epoch, step)));
  }

  /**
   * The same plan for epochs of {@code steps} steps (the live workers changed, so each holds more
   * or fewer rows): the learning-rate schedule keeps its shape in epochs.
   */
  public TrainingPlan withStepsPerEpoch(int steps) {
    if (steps == stepsPerEpoch) {
      return this;
    }
    return new TrainingPlan(epochs, steps, learningRate.perEpochOf(stepsPerEpoch, steps), momentum, nonFinite);
  }

  /** The global step number of step {@code step} of 0-based epoch {@code epoch}. */
  public long globalStep(int epoch, int step) {
    return (long) epoch * stepsPerEpoch + step;
  }
}
