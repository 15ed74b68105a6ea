package ddl.master.train;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Model averaging (local SGD, federated averaging): each worker takes {@code every} steps of
 * momentum SGD on its own batches from the last average, keeping its own velocity, then the
 * master averages the workers' weights. With {@code every = 1} this equals {@link SyncSgd} up to
 * rounding: the mean of the local velocities follows exactly the synchronous velocity.
 */
public final class ModelAveraging implements Trainer {
  private final Replicas replicas;
  private final TrainingPlan plan;
  private final float[][] weights;
  private final int every;
  private float[][] startVelocity;

  /**
   * Trains {@code weights} (changed in place); every worker starts from {@code velocity} (zeros
   * for a fresh run, the checkpoint's on resume) and averages every {@code every} local steps.
   */
  public ModelAveraging(Replicas replicas, TrainingPlan plan, float[][] weights, float[][] velocity, int every) {
    if (every < 1) {
      throw new IllegalArgumentException("--average-every needs K >= 1 local steps; got " + every);
    }
    this.replicas = replicas;
    this.plan = plan;
    this.weights = weights;
    this.every = every;
    this.startVelocity = FloatArrays.copy(velocity);
  }

  @Override
  public EpochTotals runEpoch(int epoch, StepListener listener) {
    int n = replicas.size();
    long samples = 0;
    long correct = 0;
    double lossSum = 0;
    long compute = 0;
    long communication = 0;
    long master = 0;
    long epochStart = System.nanoTime();
    List<float[][]> parts = new ArrayList<>(n);
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
      List<Future<LocalStepsResult>> pending = new ArrayList<>(n);
      for (int w = 0; w < n; w++) {
        pending.add(replicas.localSteps(w, request));
      }
      Future.all(pending).await();
      long replied = System.nanoTime();
      parts.clear();
      long slowest = 0;
      double roundLoss = 0;
      for (Future<LocalStepsResult> f : pending) {
        LocalStepsResult r = f.result();
        parts.add(r.weights());
        slowest = Math.max(slowest, r.computeNanos());
        samples += r.rows();
        correct += r.correct();
        lossSum += r.lossSum() * r.rows() / steps;
        roundLoss += r.lossSum() / steps / n;
      }
      FloatArrays.meanInto(parts, weights);
      long done = System.nanoTime();
      long roundTrip = replied - start;
      compute += Math.min(slowest, roundTrip);
      communication += roundTrip - Math.min(slowest, roundTrip);
      master += done - replied;
      for (int j = 0; j < steps; j++) {
        listener.stepDone(epoch, first + j, (float) roundLoss);
      }
    }
    return new EpochTotals(plan.stepsPerEpoch(), samples, lossSum, correct, System.nanoTime() - epochStart,
        new TimeSplit(compute, communication, master, 0));
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
    List<Future<float[][]>> pending = new ArrayList<>();
    for (int w = 0; w < replicas.size(); w++) {
      pending.add(replicas.localVelocity(w));
    }
    Future.all(pending).await();
    List<float[][]> parts = pending.stream().map(Future::result).toList();
    return FloatArrays.mean(parts);
  }

  @Override
  public String describe() {
    return "model averaging: " + replicas.size() + " workers take " + every
        + " local momentum-SGD steps, then the master averages their weights";
  }
}
