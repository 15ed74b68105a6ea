package ddl.master.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link Trainer} epoch by epoch: before each epoch lost workers are tried again (see
 * {@link LiveWorkers#retryLost}) and brought up to date; after it the replicas are checked to
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

  /** The replicas' loss and accuracy over every test slice, summed (a lost worker's slice moves to another). */
  public static Evaluation evaluate(Replicas replicas) {
    return TestSetEvaluation.run(replicas, new LiveWorkers(replicas), "an evaluation");
  }
}
