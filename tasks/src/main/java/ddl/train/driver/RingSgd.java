package ddl.train.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;

/**
 * Synchronous data-parallel SGD with a ring allreduce between the workers: every step each worker
 * commits the previous step's update, computes its gradient, and the workers average it among
 * themselves over direct connections (each tensor as backward produces it). The master only
 * starts the steps and tallies; no gradient or weight passes through it. The update of a step
 * stays pending on the workers until the next step commits it, so a step that fails because a
 * worker was lost mid-allreduce is simply run again on the re-formed ring.
 */
public final class RingSgd implements Trainer {
  private final Replicas replicas;
  private TrainingPlan plan;
  private final LiveWorkers workers;
  private final WireFormat format;
  private final RingRounds ring;
  private long commitStep = -1;
  private float commitRate;
  private long bytesSent;

  /** Trains the replicas, whose state the caller has set (all equal). */
  public RingSgd(Replicas replicas, LiveWorkers workers, TrainingPlan plan, WireFormat format, Duration pieceTimeout) {
    this.replicas = replicas;
    this.workers = workers;
    this.plan = plan;
    this.format = format;
    this.ring = new RingRounds(replicas, workers, pieceTimeout);
  }

  @Override
  public void startEpoch(int epoch) {
    Rejoins.bringUpToDate(replicas, workers, epoch);
    ring.ensure("the start of epoch " + (epoch + 1));
  }

  @Override
  public EpochTotals runEpoch(int epoch, StepListener listener) {
    EpochTally tally = new EpochTally();
    long epochStart = System.nanoTime();
    for (int step = 0; step < plan.stepsPerEpoch(); step++) {
      long start = System.nanoTime();
      long stepId = plan.globalStep(epoch, step);
      Steps.RingStep request = new Steps.RingStep(epoch, step, stepId, commitStep, commitRate);
      Map<Integer, Steps.StepStats> answers = ring.round(w -> replicas.ringStep(w, request),
          LiveWorkers.at(epoch, step, plan.stepsPerEpoch()));
      long replied = System.nanoTime();
      long slowest = 0;
      float stepLoss = 0;
      for (Steps.StepStats s : answers.values()) {
        slowest = Math.max(slowest, s.computeNanos());
        stepLoss += s.loss() / answers.size();
        bytesSent += s.bytesSent();
      }
      boolean skip = plan.skips(epoch, step, stepLoss);
      for (Steps.StepStats s : skip ? java.util.List.<Steps.StepStats>of() : answers.values()) {
        tally.add(s.rows(), s.correct(), (double) s.loss() * s.rows());
      }
      commitStep = skip ? -1 : stepId; // a NaN or infinite loss: the replicas drop this step's mean
      commitRate = plan.learningRate().at(stepId);
      tally.round(start, replied, System.nanoTime(), slowest);
      listener.stepDone(epoch, step, stepLoss);
    }
    return tally.result(plan.stepsPerEpoch(), System.nanoTime() - epochStart);
  }

  @Override
  public ModelState endEpoch(int epoch) {
    if (commitStep >= 0) {
      Steps.Apply last = new Steps.Apply(null, commitStep, commitRate);
      Replies.fromLiveWorkers(workers, w -> replicas.apply(w, last), "the end of epoch " + (epoch + 1),
          new ArrayList<>());
      commitStep = -1;
    }
    ReplicaChecks.requireAgreement(replicas, workers, epoch + 1);
    return ReplicaChecks.state(replicas, workers, "the end of epoch " + (epoch + 1));
  }

  /** Bytes the workers sent each other in allreduces so far. */
  public long bytesSentByWorkers() {
    return bytesSent;
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
    return "sync SGD: " + workers.joinedCount() + " workers average their gradients every step in a ring allreduce"
        + (format == WireFormat.BF16 ? " (bf16 on the wire)" : "");
  }
}
