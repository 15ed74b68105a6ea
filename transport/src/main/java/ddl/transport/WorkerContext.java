package ddl.transport;

import java.util.List;
import java.util.function.Supplier;

/**
 * What shipped code sees on a worker: the session's named objects and facts about the worker.
 * Objects that are {@link AutoCloseable} are closed when they are removed, replaced or the session
 * ends (never on the worker's event loop).
 */
public interface WorkerContext {
  /** The worker's listening address, {@code host:port}. */
  String workerAddress();

  /** The compute device the worker was started for: {@code "cpu"} or {@code "gpu"}. */
  String device();

  /** The named object, or null. */
  <T> T get(String name);

  /** Stores a named object for later calls of this session, closing any previous one. */
  void put(String name, Object value);

  /** Removes and closes a named object; true if it was there. */
  boolean remove(String name);

  /**
   * The named object, created by {@code factory} on first use. The factory runs outside any lock;
   * if two calls race, one object is kept and the other closed.
   */
  <T> T computeIfAbsent(String name, Supplier<T> factory);

  /** The names of the session's objects, sorted. */
  List<String> keys();

  /**
   * Throws {@link CallCancelledException} if the master gave up on the call running on this thread
   * (its deadline passed, it was cancelled, or its session closed). Long loops should call this now
   * and then: a call is interrupted when cancelled, but code that never looks cannot be stopped.
   */
  default void checkCancelled() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CallCancelledException("the call was cancelled on " + workerAddress());
    }
  }

  /** The other workers of the cluster, for collectives (see {@link Peers}). */
  Peers peers();
}
