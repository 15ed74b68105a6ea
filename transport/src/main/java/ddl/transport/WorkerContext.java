package ddl.transport;

import java.util.function.Supplier;

/**
 * What shipped code sees on a worker: the session's named objects and facts about the worker.
 * Objects that are {@link AutoCloseable} are closed when they are removed or the session ends.
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

  /** The named object, created by {@code factory} on first use. */
  <T> T computeIfAbsent(String name, Supplier<T> factory);
}
