package ddl.train.ring;

import io.vertx.core.Future;

/** How a ring member passes pieces to the next member and takes them from the previous one. */
public interface Exchange extends AutoCloseable {
  /** Delivers {@code value} under {@code key} to the next member; completes once it is there. */
  Future<Void> sendNext(long key, Object value);

  /** The value the previous member sent under {@code key}, now or when it arrives. */
  Future<Object> receive(long key);

  /** This member leaves the ring: pieces still on their way to it are dropped. */
  @Override
  default void close() {}
}
