package ddl.train.replica;

import ddl.train.data.Dataset;
import ddl.train.driver.ModelState;
import ddl.train.driver.WireFormat;
import ddl.train.feed.Streaming;
import ddl.train.nn.ModelSpec;

/**
 * What a worker receives once at the start of training: its shard of the training set (or, when
 * the batches are streamed, none), its slice of the test set, the model (its description and
 * starting state), and how to draw batches.
 *
 * @param worker the worker's position in the cluster
 * @param spec the model
 * @param train this worker's training rows (no rows when they are streamed)
 * @param test this worker's test rows
 * @param batch rows per batch
 * @param seed the run's seed, for the batch order and dropout
 * @param start the weights and velocity every replica starts from
 * @param momentum the momentum of SGD
 * @param format how gradients and deltas travel
 * @param streaming how the batches are streamed to the worker, or null when it holds its shard
 */
public record ReplicaSetup(int worker, ModelSpec spec, Dataset train, Dataset test, int batch, long seed,
    ModelState start, float momentum, WireFormat format, Streaming streaming) {

  /** A setup whose worker holds its shard. */
  public ReplicaSetup(int worker, ModelSpec spec, Dataset train, Dataset test, int batch, long seed,
      ModelState start, float momentum, WireFormat format) {
    this(worker, spec, train, test, batch, seed, start, momentum, format, null);
  }

  /** Rows of the worker's training shard, held or streamed. */
  public int trainRows() {
    return streaming == null ? train.rows() : streaming.shardRows();
  }
}
