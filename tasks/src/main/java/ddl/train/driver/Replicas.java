package ddl.train.driver;

import io.vertx.core.Future;

/**
 * The workers of data-parallel training as the drivers see them: each holds a shard of the
 * training data, a slice of the test data and a {@link ReplicaModel} (its own copy of the weights
 * and optimizer state). The real implementation calls workers over RPC; tests run replicas in
 * process. A step's future may be a {@link ddl.transport.CallFuture}, which a driver cancels to
 * stop a replica waiting for a ring that broke.
 */
public interface Replicas {
  /** Number of workers. */
  int size();

  /**
   * Workers that are not up yet but may join at an epoch start (their places are counted in
   * {@link #size()}); {@link LiveWorkers} starts with them lost. The default has none.
   */
  default int[] joinable() {
    return new int[0];
  }

  /** Steps per epoch: each live worker's shard divided by the batch per worker, rounded down. */
  int stepsPerEpoch();

  /**
   * Shares the training rows out over the workers {@code live} (ascending) for the coming epoch,
   * sending each worker whose share changed its new rows; one future per worker sent to. A worker
   * that fails with {@link ddl.transport.WorkerUnavailableException} is lost, and the rows are
   * shared out again without it. The default keeps every worker's rows as they are.
   */
  default java.util.Map<Integer, Future<Void>> shareRows(int[] live) {
    return java.util.Map.of();
  }

  /** Sync SGD through the master: see {@link Steps.MasterStep}. */
  Future<Steps.GradientReply> masterStep(int worker, Steps.MasterStep step);

  /** Sync SGD with the ring: see {@link Steps.RingStep}. */
  Future<Steps.StepStats> ringStep(int worker, Steps.RingStep step);

  /** An epoch's last update: see {@link Steps.Apply}. */
  Future<Void> apply(int worker, Steps.Apply apply);

  /** Async SGD: see {@link Steps.AsyncStep}. */
  Future<Steps.GradientReply> asyncStep(int worker, Steps.AsyncStep step);

  /** Model averaging: see {@link Steps.LocalSteps}. */
  Future<Steps.LocalResult> localSteps(int worker, Steps.LocalSteps steps);

  /** Makes the worker a member of a ring: see {@link Steps.JoinRing}. */
  Future<Void> joinRing(int worker, Steps.JoinRing join);

  /** The worker replica's weights checksum (see {@link ReplicaModel#checksum}). */
  Future<Long> checksum(int worker);

  /** A copy of the worker replica's weights and velocity. */
  Future<ModelState> state(int worker);

  /** Replaces the worker replica's weights and velocity. */
  Future<Void> setState(int worker, ModelState state);

  /**
   * Loss and accuracy of worker {@code on}'s weights on worker {@code slice}'s test slice, so that
   * a lost worker's slice is still evaluated. The default handles only {@code on == slice}.
   */
  Future<Evaluation> evaluateSlice(int on, int slice);

  /**
   * Connects again to lost worker {@code worker} and sets its replica up as before (same shard,
   * same batches; its weights are brought up to date by the driver). Fails if it does not answer.
   * The default cannot reconnect.
   */
  default Future<Void> reconnect(int worker) {
    return Future.failedFuture(new UnsupportedOperationException(getClass().getSimpleName() + " cannot reconnect"));
  }

  /**
   * Checks that the worker answers (a ring broke: is the worker behind it gone?); fails with a
   * {@link ddl.transport.WorkerUnavailableException} if it does not answer soon. The default answers at once.
   */
  default Future<Void> probe(int worker) {
    return Future.succeededFuture();
  }

  /** Worker {@code worker}'s address, for log lines and ring membership. */
  default String address(int worker) {
    return "#" + worker;
  }

  /** Rows in worker {@code worker}'s training shard, for log lines. */
  default long trainRows(int worker) {
    return 0;
  }
}
