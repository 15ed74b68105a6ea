package ddl.transport;

import io.vertx.core.Future;

/**
 * A worker's links to the other workers of its cluster: authenticated with the cluster secret,
 * carried by the same transport. Collectives (the ring allreduce) are built on two operations:
 * {@link #send} a value to a mailbox of another worker, and {@link #receive} from a mailbox of
 * this one. Mailboxes are numbered by whoever sets up the collective; a value sent before its
 * receiver asks waits in the mailbox.
 */
public interface Peers {
  /** Connects to the worker at {@code address} now rather than at the first send; fails if it cannot be reached. */
  Future<Void> connect(String address);

  /** Delivers {@code value} under {@code key} to mailbox {@code box} on worker {@code address}; completes once it is there. */
  Future<Void> send(String address, long box, long key, Object value);

  /** The value delivered under {@code key} to mailbox {@code box} of this worker (waits for it). */
  Future<Object> receive(long box, long key);

  /** Opens mailbox {@code box} on this worker (deliveries to a box that is not open are refused). */
  void open(long box);

  /** Closes mailbox {@code box}: values in it are dropped and waiting receives fail with {@code why}. */
  void close(long box, String why);
}
