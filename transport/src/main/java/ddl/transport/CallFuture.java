package ddl.transport;

import io.vertx.core.impl.future.FutureImpl;
import java.util.function.BooleanSupplier;

/**
 * The future of one remote call: a Vert.x {@link io.vertx.core.Future} (it composes, maps and
 * awaits like any other) that can also be {@link #cancel()}led. Futures derived from it
 * ({@code map}, {@code compose}...) are plain futures; cancel this one.
 */
public final class CallFuture<T> extends FutureImpl<T> {
  private volatile BooleanSupplier canceller = () -> false;

  /** A call not completed yet; the transport completes it. */
  public CallFuture() {
  }

  /** A call that failed before it was sent. */
  public static <T> CallFuture<T> failed(Throwable cause) {
    CallFuture<T> f = new CallFuture<>();
    f.tryFail(cause);
    return f;
  }

  /** What {@link #cancel} does: fail this future and tell the worker; returns whether the call was still running. */
  public void onCancel(BooleanSupplier action) {
    this.canceller = action;
  }

  /**
   * Gives up on the call: this future fails with {@link CallCancelledException} at once and the
   * worker interrupts the call's thread. Returns false if the call had already completed. Code that
   * never checks for interruption runs on to its end (see {@link WorkerContext#checkCancelled}).
   */
  public boolean cancel() {
    return !isComplete() && canceller.getAsBoolean();
  }
}
