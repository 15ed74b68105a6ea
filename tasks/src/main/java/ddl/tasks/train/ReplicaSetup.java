package ddl.tasks.train;

import ddl.master.train.ModelState;
import ddl.master.train.WireFormat;
import ddl.tasks.data.Dataset;
import ddl.tasks.nn.ModelSpec;

/**
 * What a worker receives once at the start of training: its shard of the training set, its slice
 * of the test set, the model (its description and starting state), and how to draw batches.
 *
 * @param worker the worker's position in the cluster
 * @param spec the model
 * @param train this worker's training rows
 * @param test this worker's test rows
 * @param batch rows per batch
 * @param seed the run's seed, for the batch order and dropout
 * @param start the weights and velocity every replica starts from
 * @param momentum the momentum of SGD
 * @param format how gradients and deltas travel
 */
public record ReplicaSetup(int worker, ModelSpec spec, Dataset train, Dataset test, int batch, long seed,
    ModelState start, float momentum, WireFormat format) {}
