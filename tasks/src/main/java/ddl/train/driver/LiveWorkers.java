package ddl.train.driver;

import ddl.transport.CallTimeoutException;
import ddl.transport.RemoteException;
import ddl.transport.TransportConfig;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Which workers of a training run are taking part. A worker whose call fails with
 * {@link WorkerUnavailableException} (connection lost, heartbeat silence, timeout) is marked lost
 * and the drivers go on with the others; its training shard is skipped until it rejoins, its test
 * slice is evaluated by a live worker. At each epoch start, lost workers are tried again with
 * backoff and rejoin if they answer. Workers that may join later (configured, but not up at the
 * start: see {@link #awaitJoin}) are tried at every epoch start at least a heartbeat apart, quietly
 * until they answer. Each loss,
 * rejoin and join is one line to the log sink, kept in {@link #events()}. Thread-safe.
 */
public final class LiveWorkers {
  private static final Logger LOG = Logger.getLogger(LiveWorkers.class.getName());
  /** The longest wait between tries of a lost worker, in heartbeat intervals. */
  private static final int LONGEST_RETRY_HEARTBEATS = 12;

  private final Replicas replicas;
  private final Consumer<String> log;
  private final boolean[] live;
  /** Workers that have not taken part yet (they may join at an epoch start). */
  private final boolean[] waiting;
  private final RetryBackoff backoff;
  private final List<String> events = new ArrayList<>();
  private int liveCount;
  private long rejoins;
  private final List<Integer> rejoinedSinceTaken = new ArrayList<>();

  /** All of {@code replicas}' workers, live; events go to the java.util.logging log. */
  public LiveWorkers(Replicas replicas) {
    this(replicas, LOG::info);
  }

  /**
   * All of {@code replicas}' workers, live; each loss and rejoin is a line to {@code log}; lost
   * workers are tried again as with the default heartbeat interval.
   */
  public LiveWorkers(Replicas replicas, Consumer<String> log) {
    this(replicas, log, TransportConfig.defaults().heartbeatInterval());
  }

  /**
   * All of {@code replicas}' workers, live; each loss and rejoin is a line to {@code log}. A lost
   * worker is tried again at an epoch start at least one {@code heartbeat} interval after it was
   * lost, then with waits doubling up to {@value #LONGEST_RETRY_HEARTBEATS} intervals.
   */
  public LiveWorkers(Replicas replicas, Consumer<String> log, Duration heartbeat) {
    this.replicas = replicas;
    this.log = log;
    this.live = new boolean[replicas.size()];
    this.waiting = new boolean[replicas.size()];
    java.util.Arrays.fill(live, true);
    this.liveCount = live.length;
    this.backoff = new RetryBackoff(live.length, heartbeat.toNanos(), heartbeat.toNanos() * LONGEST_RETRY_HEARTBEATS,
        System::nanoTime);
    for (int w : replicas.joinable()) {
      awaitJoin(w);
    }
  }

  /** Workers in the run, live or lost, and those that may still join. */
  public int size() {
    return live.length;
  }

  /**
   * Marks {@code worker} as not up yet: it takes no part until it answers at an epoch start, and
   * then joins like a rejoining worker. Its failed tries are not logged.
   */
  private void awaitJoin(int worker) {
    synchronized (this) {
      if (!live[worker]) {
        return;
      }
      live[worker] = false;
      waiting[worker] = true;
      liveCount--;
      backoff.reset(worker);
    }
  }

  /** Workers that have taken part (live or lost), without those still waiting to join. */
  public synchronized int joinedCount() {
    int n = 0;
    for (boolean w : waiting) {
      n += w ? 0 : 1;
    }
    return n;
  }

  /** Workers taking part now. */
  public synchronized int liveCount() {
    return liveCount;
  }

  public synchronized boolean isLive(int worker) {
    return live[worker];
  }

  /** The live workers' indices, ascending. */
  public synchronized int[] live() {
    return indices(true);
  }

  /** The lost workers' indices, ascending. */
  public synchronized int[] lost() {
    return indices(false);
  }

  /** How many times a lost worker has rejoined; changes tell a driver to bring a rejoined worker up to date. */
  public synchronized long rejoins() {
    return rejoins;
  }

  /** The workers that rejoined since the last call (whose replicas need bringing up to date), ascending. */
  public synchronized int[] takeRejoined() {
    int[] out = rejoinedSinceTaken.stream().filter(w -> live[w]).sorted().mapToInt(Integer::intValue).toArray();
    rejoinedSinceTaken.clear();
    return out;
  }

  /** The loss and rejoin lines so far. */
  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /**
   * Marks {@code worker} lost after {@code cause}, {@code when} it happened (such as "epoch 2, step
   * 11 of 46"), and logs one line. Returns false if it was lost already. Throws
   * {@link AllWorkersLostException} when no worker is left.
   */
  public boolean lose(int worker, String when, WorkerUnavailableException cause) {
    String line;
    boolean none;
    synchronized (this) {
      if (!live[worker]) {
        return false;
      }
      live[worker] = false;
      liveCount--;
      backoff.reset(worker);
      none = liveCount == 0;
      if (none) {
        line = String.format(Locale.ROOT, "worker %s lost at %s (%s); no worker is left", replicas.address(worker),
            when, reason(cause));
        events.add(line);
      } else {
        line = String.format(Locale.ROOT, "worker %s lost at %s (%s); continuing with %d of %d workers; its %,d "
                + "training rows are left out until the next epoch start shares the rows out again; another worker "
                + "evaluates its test rows", replicas.address(worker), when, reason(cause), liveCount,
            joinedCount(), replicas.trainRows(worker));
        events.add(line);
      }
    }
    log.accept(line);
    if (none) {
      throw new AllWorkersLostException("all " + live.length + " workers of this run are lost (the last, "
          + replicas.address(worker) + ", at " + when + ": " + reason(cause) + "); start them again (scripts/start N)", cause);
    }
    return true;
  }

  /**
   * Tries again each lost worker whose backoff has passed, all at once, and lets those that answer
   * rejoin at 0-based epoch {@code epoch}. A worker's own failure while setting up again (a
   * {@link RemoteException}) is a bug and is thrown.
   */
  public void retryLost(int epoch) {
    List<Integer> due = new ArrayList<>();
    synchronized (this) {
      for (int w = 0; w < live.length; w++) {
        if (!live[w] && backoff.due(w)) {
          due.add(w);
        }
      }
    }
    if (due.isEmpty()) {
      return;
    }
    List<Future<Void>> tries = new ArrayList<>();
    for (int w : due) {
      tries.add(replicas.reconnect(w));
    }
    Replies.settle(tries);
    for (int i = 0; i < due.size(); i++) {
      int w = due.get(i);
      Future<Void> attempt = tries.get(i);
      String line;
      synchronized (this) {
        if (attempt.succeeded()) {
          boolean first = waiting[w];
          live[w] = true;
          waiting[w] = false;
          liveCount++;
          rejoins++;
          rejoinedSinceTaken.add(w);
          line = String.format(Locale.ROOT, "worker %s %s at epoch %d; training on %d of %d workers",
              replicas.address(w), first ? "joined" : "rejoined", epoch + 1, liveCount, joinedCount());
          events.add(line);
        } else if (attempt.cause() instanceof RemoteException e) {
          throw e;
        } else if (waiting[w]) {
          backoff.reset(w); // not up yet: tried again at the next epoch start a heartbeat from now, without backing off
          line = null;
        } else {
          long wait = backoff.failed(w);
          line = String.format(Locale.ROOT, "worker %s still unreachable at epoch %d (%s); next try at an epoch "
              + "start at least %d s from now", replicas.address(w), epoch + 1, shortMessage(attempt.cause()),
              TimeUnit.NANOSECONDS.toSeconds(wait));
        }
      }
      if (line != null) {
        log.accept(line);
      }
    }
  }

  /** "epoch E, step S of N" with 1-based numbers, for {@link #lose}. */
  public static String at(int epoch, int step, int steps) {
    return String.format(Locale.ROOT, "epoch %d, step %d of %d", epoch + 1, step + 1, steps);
  }

  /** A short reason for a loss: what the transport said, without the worker's address. */
  static String reason(WorkerUnavailableException e) {
    if (e instanceof CallTimeoutException) {
      return "no reply within the call deadline";
    }
    return shortMessage(e);
  }

  private static String shortMessage(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int failed = m.lastIndexOf("failed: ");
    if (failed >= 0) {
      return m.substring(failed + "failed: ".length());
    }
    if (e instanceof WorkerUnavailableException u && m.startsWith("worker " + u.worker() + ": ")) {
      return m.substring(("worker " + u.worker() + ": ").length());
    }
    return m;
  }

  private int[] indices(boolean wanted) {
    int[] out = new int[wanted ? liveCount : live.length - liveCount];
    int at = 0;
    for (int w = 0; w < live.length; w++) {
      if (live[w] == wanted) {
        out[at++] = w;
      }
    }
    return out;
  }
}
