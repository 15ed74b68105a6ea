package ddl.master.train;

import io.vertx.core.Future;

/**
 * The workers of data-parallel training as the drivers see them: each holds a shard of the
 * training data and a slice of the test data, and computes on the weights it is sent. The real
 * implementation calls workers over RPC; tests may compute in process.
 */
public interface Replicas {
  /** Number of workers. */
  int size();

  /** Steps per epoch: each worker's shard divided by the batch per worker, rounded down. */
  int stepsPerEpoch();

  /** Worker {@code worker}'s gradient on its batch. */
  Future<Gradient> gradient(int worker, GradientRequest request);

  /** Worker {@code worker}'s local momentum-SGD steps. */
  Future<LocalStepsResult> localSteps(int worker, LocalStepsRequest request);

  /** Worker {@code worker}'s local velocity (model averaging), or null if it has none yet. */
  Future<float[][]> localVelocity(int worker);

  /** Worker {@code worker}'s loss and accuracy on its test slice. */
  Future<Evaluation> evaluate(int worker, float[][] weights);

  /**
   * Worker {@code on}'s loss and accuracy on worker {@code slice}'s test slice, so that a lost
   * worker's slice is still evaluated. The default handles only {@code on == slice}.
   */
  default Future<Evaluation> evaluateSlice(int on, int slice, float[][] weights) {
    if (on == slice) {
      return evaluate(on, weights);
    }
    return Future.failedFuture(new UnsupportedOperationException(getClass().getSimpleName()
        + " cannot evaluate one worker's test slice on another"));
  }

  /**
   * Connects again to lost worker {@code worker} and sets its replica up as before (same shard,
   * same batches). Fails if it does not answer. The default cannot reconnect.
   */
  default Future<Void> reconnect(int worker) {
    return Future.failedFuture(new UnsupportedOperationException(getClass().getSimpleName() + " cannot reconnect"));
  }

  /** Worker {@code worker}'s address, for log lines. */
  default String address(int worker) {
    return "#" + worker;
  }

  /** Rows in worker {@code worker}'s training shard, for log lines. */
  default long trainRows(int worker) {
    return 0;
  }
}
