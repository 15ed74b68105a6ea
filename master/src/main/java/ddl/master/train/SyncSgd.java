package ddl.master.train;

import ddl.transport.WorkerUnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Synchronous data-parallel SGD: every step each worker computes a gradient on its own batch at
 * the same weights (sent with the request), the master averages the gradients and takes one
 * momentum-SGD step. All replicas therefore always compute on identical weights.
 *
 * <p>A worker lost during a step ({@link WorkerUnavailableException}) is left out: the step
 * averages the gradients of the workers that answered and is applied once; later steps ask only
 * the live workers (see {@link LiveWorkers}). A worker's own failure ends the run.
 */
public final class SyncSgd implements Trainer {
  private final Replicas replicas;
  private final TrainingPlan plan;
  private final float[][] weights;
  private final MomentumSgd optimizer;
  private final float[][] mean;
  private final LiveWorkers workers;

  /** Trains {@code weights} (changed in place) starting from {@code optimizer}'s velocity. */
  public SyncSgd(Replicas replicas, TrainingPlan plan, float[][] weights, MomentumSgd optimizer) {
    this(replicas, new LiveWorkers(replicas), plan, weights, optimizer);
  }

  /** Like {@link #SyncSgd(Replicas, TrainingPlan, float[][], MomentumSgd)}, tracking losses in {@code workers}. */
  public SyncSgd(Replicas replicas, LiveWorkers workers, TrainingPlan plan, float[][] weights, MomentumSgd optimizer) {
    this.replicas = replicas;
    this.workers = workers;
    this.plan = plan;
    this.weights = weights;
    this.optimizer = optimizer;
    this.mean = FloatArrays.zerosLike(weights);
  }

  @Override
  public EpochTotals runEpoch(int epoch, StepListener listener) {
    EpochTally tally = new EpochTally();
    long epochStart = System.nanoTime();
    List<Gradient> answers = new ArrayList<>();
    List<float[][]> parts = new ArrayList<>();
    for (int step = 0; step < plan.stepsPerEpoch(); step++) {
      long start = System.nanoTime();
      answers.clear();
      gradients(epoch, step, answers);
      long replied = System.nanoTime();
      parts.clear();
      long slowest = 0;
      float stepLoss = 0;
      for (Gradient g : answers) {
        parts.add(g.values());
        slowest = Math.max(slowest, g.computeNanos());
        tally.add(g.rows(), g.correct(), (double) g.loss() * g.rows());
        stepLoss += g.loss() / answers.size();
      }
      FloatArrays.meanInto(parts, mean);
      optimizer.step(weights, mean, plan.learningRate().at(plan.globalStep(epoch, step)));
      tally.round(start, replied, System.nanoTime(), slowest);
      listener.stepDone(epoch, step, stepLoss);
    }
    return tally.result(plan.stepsPerEpoch(), System.nanoTime() - epochStart);
  }

  /**
   * Asks every live worker for its gradient of this step and adds the answers to {@code answers};
   * workers that turn out to be lost are marked so and left out. Throws if none answers.
   */
  private void gradients(int epoch, int step, List<Gradient> answers) {
    GradientRequest request = new GradientRequest(weights, epoch, step);
    Replies.fromLiveWorkers(workers, w -> replicas.gradient(w, request),
        LiveWorkers.at(epoch, step, plan.stepsPerEpoch()), answers);
  }

  @Override
  public LiveWorkers workers() {
    return workers;
  }

  @Override
  public float[][] weights() {
    return weights;
  }

  @Override
  public float[][] velocity() {
    return FloatArrays.copy(optimizer.velocity());
  }

  @Override
  public String describe() {
    return "sync SGD: " + workers.size() + " workers average their gradients every step";
  }
}
