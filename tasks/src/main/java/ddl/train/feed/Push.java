package ddl.train.feed;

/**
 * A batch the master's feed sends a worker, or (when {@code batch} is null) a request to hear
 * when the worker has room again. The reply is a {@link Credit}.
 *
 * @param generation which start of the worker's feed this belongs to; a new one empties the worker's buffer
 * @param batch the batch, or null
 * @param waitMillis how long the worker may hold the reply waiting for room in its buffer
 */
public record Push(long generation, Batch batch, long waitMillis) {}
