package ddl.train.driver;

import ddl.train.ring.RingBrokenException;
import ddl.transport.CallCancelledException;
import ddl.transport.CallFuture;
import ddl.transport.RemoteException;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.logging.Logger;

/**
 * The ring of the live workers, and rounds run on it: forms (or re-forms) the ring whenever the
 * live workers change, and runs a round (a step, or a round of local steps) on every member. When
 * a member is lost mid-round, the others, blocked in the allreduce, are cancelled, the ring is
 * re-formed from the live workers and the round is run again on it; no update was committed by
 * the failed attempt, so nothing is applied twice.
 */
final class RingRounds {
  private static final Logger LOG = Logger.getLogger(RingRounds.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Replicas replicas;
  private final LiveWorkers workers;
  private final Duration pieceTimeout;
  private int[] members = new int[0];
  private long formations;

  RingRounds(Replicas replicas, LiveWorkers workers, Duration pieceTimeout) {
    this.replicas = replicas;
    this.workers = workers;
    this.pieceTimeout = pieceTimeout;
  }

  /** How many times the ring was formed (1 for a run without losses). */
  long formations() {
    return formations;
  }

  /** Forms the ring of the live workers unless it is formed already with exactly them. */
  void ensure(String when) {
    while (!Arrays.equals(members, workers.live())) {
      int[] live = workers.live();
      List<String> addresses = new ArrayList<>();
      for (int w : live) {
        addresses.add(replicas.address(w));
      }
      long box = RANDOM.nextLong() & Long.MAX_VALUE;
      List<Future<Void>> joins = new ArrayList<>();
      for (int rank = 0; rank < live.length; rank++) {
        joins.add(replicas.joinRing(live[rank], new Steps.JoinRing(box, rank, addresses, pieceTimeout.toMillis())));
      }
      Replies.settle(joins);
      boolean formed = true;
      Throwable broken = null;
      for (int i = 0; i < live.length; i++) {
        Future<Void> f = joins.get(i);
        if (f.failed() && f.cause() instanceof WorkerUnavailableException e) {
          workers.lose(live[i], when + " (forming the ring)", e);
          formed = false;
        } else if (f.failed() && brokenRing(f.cause())) {
          broken = f.cause();
          formed = false;
        } else if (f.failed()) {
          throw Replies.rethrow(f.cause());
        }
      }
      if (broken != null && probe(live, when + " (forming the ring)") == 0) {
        // Every member answers the master, yet one cannot reach its neighbour: the workers cannot
        // reach each other, which no re-forming mends.
        throw Replies.rethrow(broken);
      }
      if (formed) {
        members = live;
        formations++;
        if (formations > 1) {
          LOG.info("ring re-formed of " + live.length + " workers at " + when);
        }
      }
    }
  }

  /**
   * Runs {@code ask} on every live worker until one attempt completes on all of them; returns
   * their answers by worker. A member's own failure (a bug) is thrown.
   */
  <T> Map<Integer, T> round(IntFunction<Future<T>> ask, String when) {
    for (int attempt = 0; ; attempt++) {
      ensure(when);
      int[] asked = members;
      List<Future<T>> pending = new ArrayList<>(asked.length);
      for (int w : asked) {
        pending.add(ask.apply(w));
      }
      Future.all(pending).transform(ar -> Future.<Void>succeededFuture()).await();
      boolean complete = pending.stream().allMatch(Future::succeeded);
      if (!complete) {
        // Members still waiting for pieces that will not come: stop them before trying again.
        pending.forEach(f -> {
          if (f instanceof CallFuture<?> call) {
            call.cancel();
          }
        });
        Replies.settle(pending);
      }
      Map<Integer, T> answers = new TreeMap<>();
      boolean retry = false;
      boolean broke = false;
      for (int i = 0; i < asked.length; i++) {
        Future<T> f = pending.get(i);
        if (f.succeeded()) {
          answers.put(asked[i], f.result());
        } else if (f.cause() instanceof WorkerUnavailableException e) {
          workers.lose(asked[i], when, e);
          retry = true;
        } else if (brokenRing(f.cause())) {
          retry = true;
          broke = true;
        } else {
          throw Replies.rethrow(f.cause());
        }
      }
      if (!retry) {
        return answers;
      }
      Throwable first = pending.stream().filter(Future::failed).map(Future::cause)
          .filter(e -> !(e instanceof CallCancelledException)).findFirst().orElse(null);
      if (first != null) {
        LOG.info("the ring broke at " + when + ": " + first.getMessage());
      }
      if (broke) {
        // A member stopped the ring, but which one is gone? Those that do not answer the master.
        probe(workers.live(), when);
      }
      members = new int[0];
      if (attempt >= workers.size()) {
        throw new IllegalStateException("the ring kept breaking at " + when + " after " + (attempt + 1)
            + " attempts; the last failure: " + pending.stream().filter(Future::failed).findFirst()
                .map(f -> f.cause().getMessage()).orElse("?"));
      }
    }
  }

  /** Asks each of {@code members} whether it is there; marks those that do not answer lost and returns how many. */
  private int probe(int[] members, String when) {
    List<Future<Void>> probes = new ArrayList<>();
    for (int w : members) {
      probes.add(replicas.probe(w));
    }
    Replies.settle(probes);
    int lost = 0;
    for (int i = 0; i < members.length; i++) {
      if (probes.get(i).failed() && probes.get(i).cause() instanceof WorkerUnavailableException e) {
        workers.lose(members[i], when, e);
        lost++;
      }
    }
    return lost;
  }

  /** Whether a failure only means the ring broke around this member (it retries), not that its code failed. */
  private static boolean brokenRing(Throwable cause) {
    return cause instanceof CallCancelledException || cause instanceof RingBrokenException
        || cause instanceof InterruptedException || cause.getCause() instanceof InterruptedException
        || cause instanceof RemoteException r && (RingBrokenException.class.getName().equals(r.remoteClassName())
            || CallCancelledException.class.getName().equals(r.remoteClassName())
            || InterruptedException.class.getName().equals(r.remoteClassName()));
  }
}
