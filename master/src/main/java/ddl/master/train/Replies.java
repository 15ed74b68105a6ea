package ddl.master.train;

import io.vertx.core.Future;
import java.util.List;

/** Waiting for several workers' replies without stopping at the first failure. */
final class Replies {
  private Replies() {}

  /** Blocks until every future has completed, whether it succeeded or failed. */
  static void settle(List<? extends Future<?>> futures) {
    Future.join(futures).transform(ar -> Future.<Void>succeededFuture()).await();
  }

  /** Blocks until {@code future} has completed and returns it. */
  static <T> Future<T> settle(Future<T> future) {
    future.transform(ar -> Future.<Void>succeededFuture()).await();
    return future;
  }

  /** {@code cause} as an unchecked exception to rethrow (a worker's own failure, or a bug). */
  static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(cause.getMessage(), cause);
  }
}
