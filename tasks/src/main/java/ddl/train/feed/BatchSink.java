package ddl.train.feed;

import io.vertx.core.Future;

/** Where a {@link WorkerFeed} sends a worker's batches: the worker over RPC, or a test's stand-in. */
@FunctionalInterface
public interface BatchSink {
  /** Sends {@code push} to worker {@code worker}; the reply is the worker's {@link Credit}. */
  Future<Credit> push(int worker, Push push);
}
