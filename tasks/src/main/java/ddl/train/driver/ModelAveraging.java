package ddl.train.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Model averaging (local SGD, federated averaging): each worker takes {@code every} steps of
 * momentum SGD on its own batches from the last average, keeping its own velocity, then the
 * workers' changes are averaged: through the master (which sends the mean change with the next
 * round) or in a ring allreduce between the workers. With {@code every = 1} this equals sync SGD
 * up to rounding: the mean of the local velocities follows exactly the synchronous velocity.
 *
 * <p>A worker lost during a round is left out of that round's average and of later rounds (see
 * {@link LiveWorkers}); when a lost worker rejoins, every worker restarts from the mean velocity
 * of the others, as after a resume.
 */
public final class ModelAveraging implements Trainer {
  private final Replicas replicas;
  private TrainingPlan plan;
  private final LiveWorkers workers;
  private final int every;
  private final WireFormat format;
  private final RingRounds ring;
  private float[][] mean;
  private WireFormat.Packed pending;

  /**
   * Trains the replicas (whose state the caller has set, all equal), averaging every {@code every}
   * local steps; {@code pieceTimeout} null averages through the master, else in a ring.
   */
  public ModelAveraging(Replicas replicas, LiveWorkers workers, TrainingPlan plan, int every, WireFormat format,
      Duration pieceTimeout) {
    if (every < 1) {
      throw new IllegalArgumentException("--average-every needs K >= 1 local steps; got " + every);
    }
    this.replicas = replicas;
    this.workers = workers;
    this.plan = plan;
    this.every = every;
    this.format = format;
    this.ring = pieceTimeout == null ? null : new RingRounds(replicas, workers, pieceTimeout);
  }

  @Override
  public void startEpoch(int epoch) {
    int[] rejoined = workers.takeRejoined();
    if (rejoined.length > 0) {
      String when = "the start of epoch " + (epoch + 1) + " (bringing rejoined workers up to date)";
      ModelState state = ReplicaChecks.state(replicas, workers, when, rejoined);
      ModelState restart = new ModelState(state.weights(), meanVelocity(when, rejoined));
      ReplicaChecks.setState(replicas, workers, workers.live(), restart, when);
    }
    if (ring != null) {
      ring.ensure("the start of epoch " + (epoch + 1));
    }
  }

  @Override
  public EpochTotals runEpoch(int epoch, StepListener listener) {
    EpochTally tally = new EpochTally();
    long epochStart = System.nanoTime();
    List<float[][]> parts = new ArrayList<>();
    for (int first = 0; first < plan.stepsPerEpoch(); first += every) {
      int steps = Math.min(every, plan.stepsPerEpoch() - first);
      float[] rates = new float[steps];
      for (int j = 0; j < steps; j++) {
        rates[j] = plan.learningRate().at(plan.globalStep(epoch, first + j));
      }
      long start = System.nanoTime();
      String when = LiveWorkers.at(epoch, first, plan.stepsPerEpoch());
      Steps.LocalSteps request = new Steps.LocalSteps(epoch, first, rates, pending, ring != null,
          plan.globalStep(epoch, first));
      Map<Integer, Steps.LocalResult> answers = ring != null
          ? ring.round(w -> replicas.localSteps(w, request), when)
          : Replies.byWorker(workers, w -> replicas.localSteps(w, request), when);
      long replied = System.nanoTime();
      parts.clear();
      long slowest = 0;
      double roundLoss = 0;
      for (Steps.LocalResult r : answers.values()) {
        if (r.delta() != null) {
          parts.add(r.delta().unpack());
        }
        slowest = Math.max(slowest, r.computeNanos());
        tally.add(r.rows(), r.correct(), r.lossSum() * r.rows() / steps);
        roundLoss += r.lossSum() / steps / answers.size();
      }
      plan.skips(epoch, first, roundLoss); // stops on a NaN or infinite loss (skipping is refused with averaging)
      if (!parts.isEmpty()) {
        if (mean == null) {
          mean = FloatArrays.zerosLike(parts.get(0));
        }
        FloatArrays.meanInto(parts, mean);
        pending = format.pack(mean);
      }
      tally.round(start, replied, System.nanoTime(), slowest);
      for (int j = 0; j < steps; j++) {
        listener.stepDone(epoch, first + j, (float) roundLoss);
      }
    }
    return tally.result(plan.stepsPerEpoch(), System.nanoTime() - epochStart);
  }

  @Override
  public ModelState endEpoch(int epoch) {
    String when = "the end of epoch " + (epoch + 1);
    if (pending != null) {
      Steps.LocalSteps adopt = new Steps.LocalSteps(epoch, 0, new float[0], pending, false, -1);
      Replies.byWorker(workers, w -> replicas.localSteps(w, adopt), when);
      pending = null;
    }
    ReplicaChecks.requireAgreement(replicas, workers, epoch + 1);
    ModelState any = ReplicaChecks.state(replicas, workers, when);
    return new ModelState(any.weights(), meanVelocity(when));
  }

  /** The mean of the live replicas' velocities (but those of {@code except}), what a resumed run starts every worker from. */
  private float[][] meanVelocity(String when, int... except) {
    Map<Integer, ModelState> states = Replies.byWorker(workers, replicas::state, when);
    List<float[][]> velocities = new ArrayList<>();
    states.forEach((w, s) -> {
      if (java.util.Arrays.stream(except).noneMatch(x -> x == w)) {
        velocities.add(s.velocity());
      }
    });
    return FloatArrays.mean(velocities);
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
    return "model averaging: " + workers.joinedCount() + " workers take " + every + " local momentum-SGD steps, then "
        + (ring != null ? "average their changes in a ring allreduce" : "the master averages their changes")
        + (format == WireFormat.BF16 ? " (bf16 on the wire)" : "");
  }
}
