package ddl.master.train;

/**
 * The fixed settings of a training run.
 *
 * @param epochs epochs in the whole run
 * @param stepsPerEpoch global steps per epoch
 * @param learningRate the learning rate per global step
 * @param momentum the momentum of SGD, in [0, 1)
 */
public record TrainingPlan(int epochs, int stepsPerEpoch, LearningRate learningRate, float momentum) {
  public TrainingPlan {
    if (epochs < 1 || stepsPerEpoch < 1) {
      throw new IllegalArgumentException("a training plan needs epochs >= 1 and steps per epoch >= 1; got "
          + epochs + " and " + stepsPerEpoch + " (is the batch larger than a worker's shard?)");
    }
  }

  /** The global step number of step {@code step} of 0-based epoch {@code epoch}. */
  public long globalStep(int epoch, int step) {
    return (long) epoch * stepsPerEpoch + step;
  }
}
