package ddl.train.driver;

/**
 * A way of training across workers (sync SGD through the master or a ring, a parameter server,
 * model averaging), one epoch at a time. The model lives in the replicas on the workers; the
 * trainer tells them how to change it.
 */
public interface Trainer {
  /** Before 0-based epoch {@code epoch}: brings workers that rejoined up to date (weights, ring). */
  void startEpoch(int epoch);

  /**
   * Trains with {@code plan} from the next epoch on: the training rows were shared out again over
   * other live workers, so an epoch has another number of steps.
   */
  void replan(TrainingPlan plan);

  /** Runs the steps of 0-based epoch {@code epoch}. */
  EpochTotals runEpoch(int epoch, StepListener listener);

  /**
   * After the epoch's steps: applies what is still pending, checks that the replicas' weights
   * agree (a checksum from each live worker) and returns the model's state, for a checkpoint.
   */
  ModelState endEpoch(int epoch);

  /** The workers taking part, and those lost. */
  LiveWorkers workers();

  /** A short description of the mode and its settings, for the run record and the console. */
  String describe();
}
