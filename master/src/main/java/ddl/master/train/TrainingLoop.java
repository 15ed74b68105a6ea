package ddl.master.train;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link Trainer} epoch by epoch: after each epoch the workers evaluate the model on their
 * test slices, and the figures go to a {@link TrainingProgress}.
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
    for (int epoch = firstEpoch; epoch < plan.epochs(); epoch++) {
      progress.epochStarting(epoch, plan.epochs(), plan.stepsPerEpoch());
      EpochTotals totals = trainer.runEpoch(epoch, progress);
      long evalStart = System.nanoTime();
      Evaluation eval = evaluate(replicas, trainer.weights());
      double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
      double stepSeconds = totals.nanos() / 1e9;
      wall += stepSeconds + evalSeconds;
      TimeSplit split = totals.split();
      EpochStats stats = new EpochStats(epoch + 1, totals.trainLoss(), totals.trainAccuracy(), eval.meanLoss(),
          eval.accuracy(), totals.samples(), stepSeconds, evalSeconds, wall, split.computeShare(),
          split.communicationShare(), split.masterShare(), split.waitShare());
      done.add(stats);
      progress.epochDone(stats, trainer);
    }
    return done;
  }

  /** Every worker's loss and accuracy on its test slice, summed. */
  public static Evaluation evaluate(Replicas replicas, float[][] weights) {
    List<Future<Evaluation>> pending = new ArrayList<>();
    for (int w = 0; w < replicas.size(); w++) {
      pending.add(replicas.evaluate(w, weights));
    }
    Future.all(pending).await();
    Evaluation sum = Evaluation.EMPTY;
    for (Future<Evaluation> f : pending) {
      sum = sum.plus(f.result());
    }
    return sum;
  }
}
