package ddl.transport;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** The records master and worker exchange. Every request is answered by one reply frame. */
public final class Messages {
  private Messages() {}

  /** A call from the master to a worker. */
  public sealed interface Request
      permits Ping, HasClasses, DefineClasses, Invoke, InvokeMethod, Put, Get, Remove, Reset, Stats,
          Shutdown {}

  /** Answered on the worker's event loop with the same record. */
  public record Ping(long sentNanos) implements Request {}

  /** Asks which of these classes the worker cannot load; the reply is a {@link ClassNames}. */
  public record HasClasses(List<String> names) implements Request {}

  /** The class names a worker lacks. */
  public record ClassNames(List<String> names) {}

  /** Class files to define in the session's loader, by binary name; the reply is the count. */
  public record DefineClasses(Map<String, byte[]> classes) implements Request {}

  /**
   * Runs a shipped {@link RemoteFunction} with {@code argument}, or a {@link RemoteCall}; the reply
   * is its result.
   */
  public record Invoke(Serializable function, Object argument) implements Request {}

  /** Runs {@code className.methodName(args)}, static or on a fresh instance; the reply is its result. */
  public record InvokeMethod(String className, String methodName, Object[] args) implements Request {}

  /** Stores a named object in the session. */
  public record Put(String name, Object value) implements Request {}

  /** Reads a named object from the session (null if absent). */
  public record Get(String name) implements Request {}

  /** Removes a named object; the reply is whether it was there. */
  public record Remove(String name) implements Request {}

  /** Drops the session's objects and shipped classes. */
  public record Reset() implements Request {}

  /** Asks for a {@link WorkerStats}. */
  public record Stats() implements Request {}

  /** Finishes or fails in-flight calls, replies, and stops the worker process. */
  public record Shutdown() implements Request {}

  /** What a worker reports about itself. */
  public record WorkerStats(
      String address,
      long uptimeMillis,
      int sessions,
      long callsServed,
      long bytesIn,
      long bytesOut,
      long heapUsedBytes,
      long heapMaxBytes,
      String device) {}

  /** One line of a remote stack trace. */
  public record RemoteFrame(String className, String methodName, String fileName, int lineNumber) {
    public StackTraceElement toElement() {
      return new StackTraceElement(className, methodName, fileName, lineNumber);
    }

    public static RemoteFrame of(StackTraceElement e) {
      return new RemoteFrame(e.getClassName(), e.getMethodName(), e.getFileName(), e.getLineNumber());
    }
  }

  /** A failure on the worker: the exception's class, message, stack and cause. */
  public record RemoteError(String className, String message, List<RemoteFrame> stack, RemoteError cause) {

    /** Describes {@code t} and its causes (at most eight deep). */
    public static RemoteError of(Throwable t) {
      return of(t, 0);
    }

    private static RemoteError of(Throwable t, int depth) {
      List<RemoteFrame> frames = java.util.Arrays.stream(t.getStackTrace()).map(RemoteFrame::of).toList();
      Throwable cause = t.getCause();
      RemoteError remoteCause = cause != null && cause != t && depth < 8 ? of(cause, depth + 1) : null;
      return new RemoteError(t.getClass().getName(), String.valueOf(t.getMessage()), frames, remoteCause);
    }
  }
}
