package ddl.train.ring;

import ddl.transport.Peers;
import io.vertx.core.Future;
import java.util.List;

/**
 * A ring member's exchange over the worker's links to the other workers: pieces go to mailbox
 * {@code box} of the next member and come from this worker's own mailbox {@code box}, which is
 * open while this member is in the ring.
 */
public final class PeersExchange implements Exchange {
  private final Peers peers;
  private final long box;
  private final String next;

  /** Tries to reach the next member this many times before the ring counts as broken. */
  static final int CONNECT_TRIES = 5;

  /**
   * Opens this worker's mailbox and connects to the next member, trying {@value #CONNECT_TRIES}
   * times (a name lookup or a connection can fail once under load); fails if it cannot be reached.
   */
  public PeersExchange(Peers peers, long box, int rank, List<String> members, java.time.Duration timeout) {
    this.peers = peers;
    this.box = box;
    this.next = members.get((rank + 1) % members.size());
    peers.open(box);
    if (members.size() > 1) {
      for (int attempt = 1; ; attempt++) {
        try {
          peers.connect(next).await(timeout);
          break;
        } catch (Exception e) {
          if (attempt < CONNECT_TRIES && !(e instanceof ddl.transport.AuthenticationException) && pause(attempt)) {
            continue;
          }
          peers.close(box, "the ring could not be formed");
          throw new RingBrokenException("this worker (" + members.get(rank) + ") cannot reach its ring neighbour "
              + next + " (" + attempt + " tries): " + e.getMessage() + "; workers must reach each other on their"
              + " ports (or use --allreduce master)", e);
        }
      }
    }
  }

  /** Waits a little longer after each failed try; false if interrupted. */
  private static boolean pause(int attempt) {
    try {
      Thread.sleep(250L << attempt);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public Future<Void> sendNext(long key, Object value) {
    return peers.send(next, box, key, value);
  }

  @Override
  public Future<Object> receive(long key) {
    return peers.receive(box, key);
  }

  @Override
  public void close() {
    peers.close(box, "this worker left the ring");
  }
}
