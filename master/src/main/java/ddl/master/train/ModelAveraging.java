package ddl.master.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Model averaging (local SGD, federated averaging): each worker takes {@code every} steps of
 * momentum SGD on its own batches from the last average, keeping its own velocity, then the
 * master averages the workers' weights. With {@code every = 1} this equals {@link SyncSgd} up to
 * rounding: the mean of the local velocities follows exactly the synchronous velocity.
 *
 * <p>A worker lost during a round is left out of that round's average and of later rounds (see
 * {@link LiveWorkers}); when a lost worker rejoins, every worker restarts from the mean velocity of
 * the others, as after a resume.
 */
public final class ModelAveraging implements Trainer {
  private final Replicas replicas;
  private final TrainingPlan plan;
  private final float[][] weights;
  private final int every;
  private final LiveWorkers workers;
  private float[][] startVelocity;
  private long rejoinsSeen;

  /**
   * Trains {@code weights} (changed in place); every worker starts from {@code velocity} (zeros
   * for a fresh run, the checkpoint's on resume) and averages every {@code every} local steps.
   */
  public ModelAveraging(Replicas replicas, TrainingPlan plan, float[][] weights, float[][] velocity, int every) {
    this(replicas, new LiveWorkers(replicas), plan, weights, velocity, every);
  }

  /** Like {@link #ModelAveraging(Replicas, TrainingPlan, float[][], float[][], int)}, tracking losses in {@code workers}. */
  public ModelAveraging(Replicas replicas, LiveWorkers workers, TrainingPlan plan, float[][] weights,
      float[][] velocity, int every) {
    if (every < 1) {
      throw new IllegalArgumentException("--average-every needs K >= 1 local steps; got " + every);
    }
    this.replicas = replicas;
    this.workers = workers;
    this.plan = plan;
    this.weights = weights;
    this.every = every;
    this.startVelocity = FloatArrays.copy(velocity);
  }

  @Override
  public EpochTotals runEpoch(int epoch, StepListener listener) {
    EpochTally tally = new EpochTally();
    long epochStart = System.nanoTime();
    if (workers.rejoins() != rejoinsSeen && startVelocity == null) {
      startVelocity = velocity();
    }
    rejoinsSeen = workers.rejoins();
    List<LocalStepsResult> answers = new ArrayList<>();
    List<float[][]> parts = new ArrayList<>();
    for (int first = 0; first < plan.stepsPerEpoch(); first += every) {
      int steps = Math.min(every, plan.stepsPerEpoch() - first);
      float[] rates = new float[steps];
      for (int j = 0; j < steps; j++) {
        rates[j] = plan.learningRate().at(plan.globalStep(epoch, first + j));
      }
      float[][] velocity = startVelocity != null ? startVelocity : new float[0][];
      startVelocity = null;
      long start = System.nanoTime();
      LocalStepsRequest request = new LocalStepsRequest(weights, epoch, first, rates, plan.momentum(), velocity);
      answers.clear();
      localSteps(request, answers);
      int n = answers.size();
      long replied = System.nanoTime();
      parts.clear();
      long slowest = 0;
      double roundLoss = 0;
      for (LocalStepsResult r : answers) {
        parts.add(r.weights());
        slowest = Math.max(slowest, r.computeNanos());
        tally.add(r.rows(), r.correct(), r.lossSum() * r.rows() / steps);
        roundLoss += r.lossSum() / steps / n;
      }
      FloatArrays.meanInto(parts, weights);
      tally.round(start, replied, System.nanoTime(), slowest);
      for (int j = 0; j < steps; j++) {
        listener.stepDone(epoch, first + j, (float) roundLoss);
      }
    }
    return tally.result(plan.stepsPerEpoch(), System.nanoTime() - epochStart);
  }

  /** Sends {@code request} to every live worker; adds the answers, marks the lost. */
  private void localSteps(LocalStepsRequest request, List<LocalStepsResult> answers) {
    Replies.fromLiveWorkers(workers, w -> replicas.localSteps(w, request),
        LiveWorkers.at(request.epoch(), request.firstStep(), plan.stepsPerEpoch()), answers);
  }

  @Override
  public LiveWorkers workers() {
    return workers;
  }

  @Override
  public float[][] weights() {
    return weights;
  }

  /** The mean of the workers' local velocities (what a resumed run starts every worker from). */
  @Override
  public float[][] velocity() {
    if (startVelocity != null) {
      return FloatArrays.copy(startVelocity);
    }
    List<float[][]> parts = new ArrayList<>();
    Replies.fromLiveWorkers(workers, replicas::localVelocity, "the end of an epoch (reading its velocity)", parts);
    parts.removeIf(java.util.Objects::isNull);
    return parts.isEmpty() ? FloatArrays.zerosLike(weights) : FloatArrays.mean(parts);
  }

  @Override
  public String describe() {
    return "model averaging: " + workers.size() + " workers take " + every
        + " local momentum-SGD steps, then the master averages their weights";
  }
}
