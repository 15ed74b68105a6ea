package ddl.train.replica;

/**
 * A worker's answer to its {@link ReplicaSetup}.
 *
 * @param address the worker's address
 * @param device the device it computes on
 * @param trainRows rows in its training shard
 * @param testRows rows in its test slice
 * @param stepsPerEpoch whole batches in its shard
 */
public record ReplicaInfo(String address, String device, int trainRows, int testRows, int stepsPerEpoch) {}
