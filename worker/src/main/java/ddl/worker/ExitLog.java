package ddl.worker;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logs a {@code System.exit} called by code other than the worker's own (shipped code, a library)
 * before the JVM goes: which status and from where. It listens to the JDK's own record of
 * {@code Runtime.exit} (the {@code java.lang.Runtime} logger at FINE, JDK 21 and newer).
 */
final class ExitLog extends Handler {
  private static final Logger LOG = Logger.getLogger(WorkerMain.class.getName());
  /** Held here: java.util.logging keeps loggers only weakly. */
  private static final Logger RUNTIME = Logger.getLogger("java.lang.Runtime");

  private final String worker;

  private ExitLog(String worker) {
    this.worker = worker;
  }

  /** From now on, a {@code System.exit} outside the worker's own code is logged as worker {@code worker}'s end. */
  static void install(String worker) {
    RUNTIME.setLevel(Level.FINE);
    RUNTIME.setUseParentHandlers(false);
    RUNTIME.addHandler(new ExitLog(worker));
  }

  @Override
  public void publish(LogRecord record) {
    Throwable exit = record.getThrown();
    if (exit == null) {
      return;
    }
    StackTraceElement caller = callerOf(exit.getStackTrace());
    if (caller != null && caller.getClassName().startsWith("ddl.worker.")) {
      return; // the worker's own exit, logged where it decides to stop
    }
    String status = exit.getMessage() == null ? "" : exit.getMessage().replaceAll("\\D+", "");
    LOG.severe("worker " + worker + ": System.exit(" + status + ") called at " + (caller == null ? "an unknown place" : site(caller)) + " (shipped code or a library, on thread " + Thread.currentThread().getName() + ") ends this"
        + " worker with status " + status + "; a supervisor restarts it for any status but 0, 2, 130 and 143");
  }

  /** The first frame outside the JDK: who called exit. */
  static StackTraceElement callerOf(StackTraceElement[] stack) {
    for (StackTraceElement e : stack) {
      String c = e.getClassName();
      if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
        return e;
      }
    }
    return null;
  }

  /** Class, method, file and line, without the class loader's name. */
  private static String site(StackTraceElement e) {
    return e.getClassName() + "." + e.getMethodName() + "(" + e.getFileName() + ":" + e.getLineNumber() + ")";
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
