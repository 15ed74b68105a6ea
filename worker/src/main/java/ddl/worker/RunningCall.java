package ddl.worker;

/**
 * A user call running on a worker thread, so that it can be cancelled: cancelling interrupts its
 * thread, and a call still running long after it was cancelled is a runaway (see {@link Runaways}).
 */
final class RunningCall {
  final long id;
  final String what;
  final String session;
  private Thread thread;
  private boolean done;
  private long cancelledAt;

  RunningCall(long id, String what, String session) {
    this.id = id;
    this.what = what;
    this.session = session;
  }

  /** Called on the call's thread before it runs. */
  synchronized void started() {
    thread = Thread.currentThread();
    if (cancelledAt != 0) {
      thread.interrupt();
    }
  }

  /** Called on the call's thread when it ends; clears an interrupt meant for it. */
  void finished() {
    synchronized (this) {
      done = true;
    }
    Thread.interrupted();
  }

  /** Asks the call to stop: interrupts its thread (once it has one). */
  synchronized void cancel() {
    if (cancelledAt == 0) {
      cancelledAt = System.nanoTime();
    }
    if (thread != null && !done) {
      thread.interrupt();
    }
  }

  synchronized boolean done() {
    return done;
  }

  /** When it was cancelled ({@link System#nanoTime}), or 0. */
  synchronized long cancelledAt() {
    return cancelledAt;
  }

  /** Where the call's thread is now, for the log. */
  synchronized String where() {
    if (thread == null) {
      return "not started";
    }
    StackTraceElement[] stack = thread.getStackTrace();
    for (StackTraceElement e : stack) {
      if (!e.getClassName().startsWith("java.") && !e.getClassName().startsWith("jdk.")
          && !e.getClassName().startsWith("ddl.worker.")) {
        return e.toString();
      }
    }
    return stack.length > 0 ? stack[0].toString() : "unknown";
  }
}
