package ddl.train.driver;

import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Waiting for several workers' replies without stopping at the first failure. */
final class Replies {
  private Replies() {}

  /** Blocks until every future has completed, whether it succeeded or failed. */
  static void settle(List<? extends Future<?>> futures) {
    Future.join(futures).transform(ar -> Future.<Void>succeededFuture()).await();
  }

  /**
   * Asks every live worker ({@code ask} gets the worker's index), waits for all of them, marks
   * the unreachable ones lost (the log line says they were lost at {@code when}) and rethrows any
   * other failure; the replies of the others, in worker order, go into {@code answers}.
   */
  static <T> void fromLiveWorkers(LiveWorkers workers, IntFunction<Future<T>> ask, String when, List<T> answers) {
    int[] asked = workers.live();
    List<Future<T>> pending = new ArrayList<>(asked.length);
    for (int w : asked) {
      pending.add(ask.apply(w));
    }
    settle(pending);
    for (int i = 0; i < asked.length; i++) {
      Future<T> f = pending.get(i);
      if (f.succeeded()) {
        answers.add(f.result());
      } else if (f.cause() instanceof WorkerUnavailableException e) {
        workers.lose(asked[i], when, e);
      } else {
        throw rethrow(f.cause());
      }
    }
  }

  /**
   * Like {@link #fromLiveWorkers}, with each answer under its worker's index (in worker order).
   */
  static <T> java.util.Map<Integer, T> byWorker(LiveWorkers workers, IntFunction<Future<T>> ask, String when) {
    int[] asked = workers.live();
    List<Future<T>> pending = new ArrayList<>(asked.length);
    for (int w : asked) {
      pending.add(ask.apply(w));
    }
    settle(pending);
    java.util.Map<Integer, T> answers = new java.util.TreeMap<>();
    for (int i = 0; i < asked.length; i++) {
      Future<T> f = pending.get(i);
      if (f.succeeded()) {
        answers.put(asked[i], f.result());
      } else if (f.cause() instanceof WorkerUnavailableException e) {
        workers.lose(asked[i], when, e);
      } else {
        throw rethrow(f.cause());
      }
    }
    return answers;
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
