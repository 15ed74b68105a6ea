package ddl.train.driver;

import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link Trainer} epoch by epoch: before each epoch lost workers (and workers that may
 * join) are tried again (see {@link LiveWorkers#retryLost}), the training rows are shared out over
 * the live workers (so an epoch covers every row, whoever was lost or joined) and rejoined workers
 * are brought up to date; after it the replicas are checked to
 * agree, evaluate the model on the whole test set, and the figures and the model's state go to a
 * {@link TrainingProgress}.
 */
public final class TrainingLoop {
  private TrainingLoop() {}

  /**
   * Runs 0-based epochs {@code firstEpoch .. plan.epochs() - 1}; {@code priorWallSeconds} is the
   * training time of earlier (resumed) runs. Returns the figures of the epochs it ran.
   */
  public static List<EpochStats> run(Trainer trainer, Replicas replicas, TrainingPlan plan, int firstEpoch,
      double priorWallSeconds, TrainingProgress progress) {
    List<EpochStats> done = new ArrayList<>();
    double wall = priorWallSeconds;
    LiveWorkers workers = trainer.workers();
    for (int epoch = firstEpoch; epoch < plan.epochs(); epoch++) {
      workers.retryLost(epoch);
      TrainingPlan shared = shareRows(replicas, workers, plan, epoch);
      if (shared != plan) {
        plan = shared;
        trainer.replan(plan);
      }
      trainer.startEpoch(epoch);
      progress.epochStarting(epoch, plan.epochs(), plan.stepsPerEpoch());
      EpochTotals totals = trainer.runEpoch(epoch, progress);
      ModelState state = trainer.endEpoch(epoch);
      long evalStart = System.nanoTime();
      Evaluation eval = TestSetEvaluation.run(replicas, workers, "the evaluation after epoch " + (epoch + 1));
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
      double stepSeconds = totals.nanos() / 1e9;
      wall += stepSeconds + evalSeconds;
      TimeSplit split = totals.split();
      EpochStats stats = new EpochStats(epoch + 1, totals.trainLoss(), totals.trainAccuracy(), eval.meanLoss(),
          eval.accuracy(), totals.samples(), stepSeconds, evalSeconds, wall, split.computeShare(),
          split.communicationShare(), split.masterShare(), split.waitShare());
      done.add(stats);
      progress.epochDone(stats, state);
    }
    return done;
  }

  /**
   * Shares the training rows out over the live workers before 0-based epoch {@code epoch}; a worker
   * lost meanwhile is dropped and the rows shared out again. Returns the plan for the new steps per
   * epoch ({@code plan} itself when no worker's rows changed).
   */
  static TrainingPlan shareRows(Replicas replicas, LiveWorkers workers, TrainingPlan plan, int epoch) {
    String when = "the start of epoch " + (epoch + 1) + " (its share of the training rows was being sent)";
    boolean sent = false;
    while (true) {
      Map<Integer, Future<Void>> sending = replicas.shareRows(workers.live());
      sent |= !sending.isEmpty();
      Replies.settle(List.copyOf(sending.values()));
      boolean lost = false;
      for (Map.Entry<Integer, Future<Void>> e : sending.entrySet()) {
        Throwable cause = e.getValue().cause();
        if (cause instanceof WorkerUnavailableException u) {
          lost |= workers.lose(e.getKey(), when, u);
        } else if (cause instanceof RuntimeException r) {
          throw r;
        } else if (cause != null) {
          throw new IllegalStateException(cause.getMessage(), cause);
        }
      }
      if (!lost) {
        return sent ? plan.withStepsPerEpoch(replicas.stepsPerEpoch()) : plan;
      }
    }
  }

  /** The replicas' loss and accuracy over every test slice, summed (a lost worker's slice moves to another). */
  public static Evaluation evaluate(Replicas replicas) {
    return TestSetEvaluation.run(replicas, new LiveWorkers(replicas), "an evaluation");
  }
}
