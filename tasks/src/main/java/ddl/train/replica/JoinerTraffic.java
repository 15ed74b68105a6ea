package ddl.train.replica;

import ddl.master.ProxyWorker;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the connections to workers that joined during a run carried, for the run record (the
 * cluster counts only its own workers): the master's bytes both ways over every connection to a
 * joiner, closed ones included, and each joiner's own sent-bytes counter when it first joined.
 */
final class JoinerTraffic {
  private final Set<Integer> joined = new TreeSet<>();
  private final Map<Integer, Long> bytesOutAtJoin = new TreeMap<>();
  private long closedSent;
  private long closedReceived;

  /**
   * Worker {@code worker} joined; its own counter of bytes sent stood at {@code bytesOut} (-1:
   * unknown). A counter below the one of its first join means the worker restarted: it counts from
   * there, since what its earlier process sent since joining is not known.
   */
  synchronized void joined(int worker, long bytesOut) {
    joined.add(worker);
    Long then = bytesOutAtJoin.get(worker);
    if (bytesOut >= 0 && (then == null || bytesOut < then)) {
      bytesOutAtJoin.put(worker, bytesOut);
    }
  }

  /** A connection to a joiner was replaced or closed: keeps what it carried. */
  synchronized void closed(ProxyWorker connection) {
    closedSent += connection.bytesSent();
    closedReceived += connection.bytesReceived();
  }

  /** The workers that joined, in worker order. */
  synchronized List<Integer> workers() {
    return List.copyOf(joined);
  }

  /** The master's bytes to joiners: closed connections plus {@code open} ones. */
  synchronized long sent(Iterable<ProxyWorker> open) {
    long sum = closedSent;
    for (ProxyWorker p : open) {
      sum += p.bytesSent();
    }
    return sum;
  }

  /** The master's bytes from joiners: closed connections plus {@code open} ones. */
  synchronized long received(Iterable<ProxyWorker> open) {
    long sum = closedReceived;
    for (ProxyWorker p : open) {
      sum += p.bytesReceived();
    }
    return sum;
  }

  /** What joiner {@code worker} has sent since it joined, given its counter now (0 when not known). */
  synchronized long sentSinceJoin(int worker, long bytesOutNow) {
    Long then = bytesOutAtJoin.get(worker);
    return then == null ? 0 : Math.max(0, bytesOutNow - then);
  }
}
