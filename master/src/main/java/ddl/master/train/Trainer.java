package ddl.master.train;

/** A way of training across workers (sync SGD, parameter server, model averaging), one epoch at a time. */
public interface Trainer {
  /** Runs the steps of 0-based epoch {@code epoch}. */
  EpochTotals runEpoch(int epoch, StepListener listener);

  /** The master's current weights (not a copy; do not change them). */
  float[][] weights();

  /** The optimizer's velocity for a checkpoint (a copy or a fresh mean). */
  float[][] velocity();

  /** The workers taking part, and those lost. */
  LiveWorkers workers();

  /** A short description of the mode and its settings, for the run record and the console. */
  String describe();
}
