package ddl.master.train.ring;

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

  /** Opens this worker's mailbox and connects to the next member; fails if it cannot be reached. */
  public PeersExchange(Peers peers, long box, int rank, List<String> members, java.time.Duration timeout) {
    this.peers = peers;
    this.box = box;
    this.next = members.get((rank + 1) % members.size());
    peers.open(box);
    if (members.size() > 1) {
      try {
        peers.connect(next).await(timeout);
      } catch (Exception e) {
        peers.close(box, "the ring could not be formed");
        throw new RingBrokenException("this worker (" + members.get(rank) + ") cannot reach its ring neighbour "
            + next + ": " + e.getMessage() + "; workers must reach each other on their ports (or use"
            + " --allreduce master)", e);
      }
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
