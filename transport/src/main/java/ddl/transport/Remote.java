package ddl.transport;

import java.io.Serializable;

/**
 * Functions that run on a worker without the session: typically method references such as
 * {@code PrimeCounter::countBelow}, whose classes the master ships. (With the session as first
 * parameter, use {@link RemoteCall}, {@link RemoteFunction}, {@link RemoteFunction2} or
 * {@link RemoteFunction3}; code that needs it anyway can call {@link Remote#context()}.)
 */
public final class Remote {
  private Remote() {}

  private static final ThreadLocal<WorkerContext> CURRENT = new ThreadLocal<>();

  /** The session of the call running on this thread of a worker. */
  public static WorkerContext context() {
    WorkerContext ctx = CURRENT.get();
    if (ctx == null) {
      throw new IllegalStateException("Remote.context() works only inside a call running on a worker");
    }
    return ctx;
  }

  /** Runs {@code body} with {@code ctx} as {@link #context()}; for the worker's dispatcher. */
  public static <T> T withContext(WorkerContext ctx, java.util.concurrent.Callable<T> body) throws Exception {
    WorkerContext previous = CURRENT.get();
    CURRENT.set(ctx);
    try {
      return body.call();
    } finally {
      CURRENT.set(previous);
    }
  }

  /** No argument. */
  @FunctionalInterface
  public interface Fn0<R> extends Serializable {
    R apply() throws Exception;
  }

  /** One argument. */
  @FunctionalInterface
  public interface Fn1<A, R> extends Serializable {
    R apply(A a) throws Exception;
  }

  /** Two arguments. */
  @FunctionalInterface
  public interface Fn2<A, B, R> extends Serializable {
    R apply(A a, B b) throws Exception;
  }

  /** Three arguments. */
  @FunctionalInterface
  public interface Fn3<A, B, C, R> extends Serializable {
    R apply(A a, B b, C c) throws Exception;
  }
}
