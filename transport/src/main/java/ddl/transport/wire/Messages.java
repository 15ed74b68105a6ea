package ddl.transport.wire;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The records peers exchange, each with a fixed number in the {@link WireContract} (200 + its
 * index in {@link #BY_ID}). Every request is answered by one reply frame.
 */
public final class Messages {
  private Messages() {}

  /** A call to a worker. */
  public sealed interface Request
      permits Ping, HasClasses, DefineClasses, Invoke, InvokeMethod, Put, Get, Remove, Keys, Reset, Stats,
          Shutdown, PeerDelivery {}

  /** Answered on the worker's event loop with the same record. */
  public record Ping(long sentNanos) implements Request {}

  /** Asks which of these classes the worker cannot load; the reply is a {@link ClassNames}. */
  public record HasClasses(List<String> names) implements Request {}

  /** The class names a worker lacks. */
  public record ClassNames(List<String> names) {}

  /** Class files to define in the session's loader, by binary name; the reply is the count. */
  public record DefineClasses(Map<String, byte[]> classes) implements Request {}

  /**
   * Runs a shipped function (a serializable lambda or method reference) with {@code arguments};
   * when {@code target} names a session object, the function gets it as its first argument. The
   * reply is the function's result.
   */
  public record Invoke(Serializable function, Object[] arguments, String target) implements Request {}

  /**
   * Runs the method {@code className.methodName(parameterTypes)} (binary names; the master resolved
   * it with Java's rules and converted {@code args} to those types): a static method, or an instance
   * method of the session object named {@code target} (of a fresh instance when {@code target} is
   * null). A first parameter of type {@code WorkerContext} gets the session and is not in {@code args}.
   */
  public record InvokeMethod(String className, String methodName, String[] parameterTypes, Object[] args,
      String target) implements Request {}

  /** Stores a named object in the session. */
  public record Put(String name, Object value) implements Request {}

  /** Reads a named object from the session (null if absent). */
  public record Get(String name) implements Request {}

  /** Removes a named object; the reply is whether it was there. */
  public record Remove(String name) implements Request {}

  /** Lists the session's object names; the reply is a sorted {@code List<String>}. */
  public record Keys() implements Request {}

  /** Drops the session's objects and shipped classes. */
  public record Reset() implements Request {}

  /** Asks for a {@link WorkerStats}. */
  public record Stats() implements Request {}

  /** Finishes or fails in-flight calls, replies, and stops the worker process. */
  public record Shutdown() implements Request {}

  /**
   * From one worker to another: a value for the receiver's mailbox {@code box}, under {@code key}
   * (collectives such as the ring allreduce exchange their pieces this way).
   */
  public record PeerDelivery(long box, long key, Object value) implements Request {}

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
      String device,
      int callsRunning,
      long runawayCalls) {}

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

  /** Every record's number in the wire contract is 200 + its index here; never reorder, only append. */
  static final Class<?>[] BY_ID = {
      Ping.class, HasClasses.class, ClassNames.class, DefineClasses.class, Invoke.class, InvokeMethod.class,
      Put.class, Get.class, Remove.class, Keys.class, Reset.class, Stats.class, Shutdown.class, PeerDelivery.class,
      WorkerStats.class, RemoteFrame.class, RemoteError.class,
  };

  static int idOf(Class<?> type) {
    for (int i = 0; i < BY_ID.length; i++) {
      if (BY_ID[i] == type) {
        return i;
      }
    }
    throw new IllegalArgumentException(type + " is not a wire message");
  }
}
