package ddl.train.data;

/**
 * A training set and the test set that goes with it.
 *
 * @param train the examples to learn from
 * @param test the held-out examples to measure on
 */
public record TrainTest(Dataset train, Dataset test) {}
