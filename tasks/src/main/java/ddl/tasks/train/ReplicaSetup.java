package ddl.tasks.train;

import ddl.tasks.data.Dataset;

/**
 * What a worker receives once at the start of training: its shard of the training set, its slice
 * of the test set, the model's tensor layout and how to draw batches.
 *
 * @param worker the worker's position in the cluster
 * @param names the model's tensor names
 * @param shapes the model's tensor dimensions
 * @param train this worker's training rows
 * @param test this worker's test rows
 * @param batch rows per batch
 * @param seed the run's seed, for the batch order
 */
public record ReplicaSetup(int worker, String[] names, int[][] shapes, Dataset train, Dataset test, int batch,
    long seed) {}
