package ddl.train.driver;

import java.util.ArrayList;
import java.util.List;

/**
 * Synchronous data-parallel SGD, gradients averaged through the master: every step each worker
 * first applies the previous step's mean gradient to its replica (all replicas apply the same
 * update, so their weights stay identical), then computes its gradient on its own batch; the
 * master averages the gradients and sends the mean with the next step. Weights travel only when
 * a worker (re)joins.
 *
 * <p>A worker lost during a step is left out of that step's mean and of later steps (see
 * {@link LiveWorkers}); a worker's own failure ends the run.
 */
public final class SyncSgd implements Trainer {
  private final Replicas replicas;
  private TrainingPlan plan;
  private final LiveWorkers workers;
  private final WireFormat format;
  private float[][] mean;
  private WireFormat.Packed pending;
  private float pendingRate;

  /** Trains the replicas, whose state the caller has set (all equal). */
  public SyncSgd(Replicas replicas, LiveWorkers workers, TrainingPlan plan, WireFormat format) {
    this.replicas = replicas;
    this.workers = workers;
    this.plan = plan;
    this.format = format;
  }

  @Override
  public void startEpoch(int epoch) {
    Rejoins.bringUpToDate(replicas, workers, epoch);
  }

  @Override
  public EpochTotals runEpoch(int epoch, StepListener listener) {
    EpochTally tally = new EpochTally();
    long epochStart = System.nanoTime();
    List<Steps.GradientReply> answers = new ArrayList<>();
    List<float[][]> parts = new ArrayList<>();
    for (int step = 0; step < plan.stepsPerEpoch(); step++) {
      long start = System.nanoTime();
      answers.clear();
      Steps.MasterStep request = new Steps.MasterStep(epoch, step, pending, pendingRate);
      Replies.fromLiveWorkers(workers, w -> replicas.masterStep(w, request),
          LiveWorkers.at(epoch, step, plan.stepsPerEpoch()), answers);
      long replied = System.nanoTime();
      parts.clear();
      long slowest = 0;
      float stepLoss = 0;
      for (Steps.GradientReply g : answers) {
        slowest = Math.max(slowest, g.computeNanos());
        stepLoss += g.loss() / answers.size();
      }
      boolean skip = plan.skips(epoch, step, stepLoss);
      for (Steps.GradientReply g : skip ? List.<Steps.GradientReply>of() : answers) {
        parts.add(g.values().unpack());
        tally.add(g.rows(), g.correct(), (double) g.loss() * g.rows());
      }
      if (skip) {
        pending = null; // a NaN or infinite loss: this step's mean is left out
      } else {
        if (mean == null) {
          mean = FloatArrays.zerosLike(parts.get(0));
        }
        FloatArrays.meanInto(parts, mean);
        pending = format.pack(mean);
      }
      pendingRate = plan.learningRate().at(plan.globalStep(epoch, step));
      tally.round(start, replied, System.nanoTime(), slowest);
      listener.stepDone(epoch, step, stepLoss);
    }
    return tally.result(plan.stepsPerEpoch(), System.nanoTime() - epochStart);
  }

  @Override
  public ModelState endEpoch(int epoch) {
    if (pending != null) {
      Steps.Apply last = new Steps.Apply(pending, -1, pendingRate);
      Replies.fromLiveWorkers(workers, w -> replicas.apply(w, last), "the end of epoch " + (epoch + 1),
          new ArrayList<>());
      pending = null;
    }
    ReplicaChecks.requireAgreement(replicas, workers, epoch + 1);
    return ReplicaChecks.state(replicas, workers, "the end of epoch " + (epoch + 1));
  }

  @Override
  public void replan(TrainingPlan plan) {
    this.plan = plan;
  }

  @Override
  public LiveWorkers workers() {
    return workers;
  }

  @Override
  public String describe() {
    return "sync SGD: " + workers.joinedCount() + " workers average their gradients every step through the master"
        + (format == WireFormat.BF16 ? " (bf16 on the wire)" : "");
  }
}
