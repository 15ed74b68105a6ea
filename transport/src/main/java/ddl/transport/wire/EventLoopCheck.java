package ddl.transport.wire;

import io.vertx.core.Context;

/**
 * The one rule of the thread model that code can check: nothing that blocks or runs user code
 * runs on a Vert.x event loop (see the {@code ddl.master} package overview). A violation fails at
 * once with a message that says what to do, instead of stalling every connection of the loop.
 */
public final class EventLoopCheck {
  private EventLoopCheck() {}

  /**
   * Throws {@link IllegalStateException} if the current thread is an event loop.
   *
   * @param what what was about to block, for the message ("Cluster.close()")
   */
  public static void notOnEventLoop(String what) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(what + " blocks, and this thread (" + Thread.currentThread().getName()
          + ") is a Vert.x event loop that serves connections and must never block: call it from the task"
          + " main's thread or a virtual thread, not from a future's callback (onComplete, map, compose...)");
    }
  }
}
