package ddl.train.driver;

import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What every driver does with the replicas between epochs: check they agree, read one, update rejoined ones. */
final class ReplicaChecks {
  private ReplicaChecks() {}

  /**
   * Fails with a message naming the workers when the live replicas' weights differ after
   * 1-based epoch {@code epoch}: replicas that should hold the same model do not.
   */
  static void requireAgreement(Replicas replicas, LiveWorkers workers, int epoch) {
    java.util.Map<Integer, Long> sums = Replies.byWorker(workers, replicas::checksum,
        "the end of epoch " + epoch + " (checking that the replicas agree)");
    if (sums.values().stream().distinct().count() <= 1) {
      return;
    }
    StringBuilder which = new StringBuilder();
    sums.forEach((w, sum) -> which.append(String.format(Locale.ROOT, "%n  %s: %016x", replicas.address(w), sum)));
    throw new IllegalStateException("the replicas' weights differ after epoch " + epoch + ", so the workers no"
        + " longer train the same model (a bug, or a worker's memory was corrupted); checksums:" + which
        + "\nresume from the last checkpoint with --resume");
  }

  /** The state of the first live replica (not one of {@code except}) that answers. */
  static ModelState state(Replicas replicas, LiveWorkers workers, String when, int... except) {
    while (true) {
      int w = -1;
      for (int candidate : workers.live()) {
        if (java.util.Arrays.stream(except).noneMatch(x -> x == candidate)) {
          w = candidate;
          break;
        }
      }
      if (w < 0) {
        throw new AllWorkersLostException("no worker that holds the model is left (" + when + "); start them again"
            + " (scripts/start N) and run the task with --resume to continue from the last checkpoint", null);
      }
      Future<ModelState> f = Replies.settle(replicas.state(w));
      if (f.succeeded()) {
        return f.result();
      }
      if (f.cause() instanceof WorkerUnavailableException e) {
        workers.lose(w, when, e);
      } else {
        throw Replies.rethrow(f.cause());
      }
    }
  }

  /** Gives each of {@code targets} the state {@code state}; an unreachable one is marked lost. */
  static void setState(Replicas replicas, LiveWorkers workers, int[] targets, ModelState state, String when) {
    List<Future<Void>> pending = new ArrayList<>();
    for (int w : targets) {
      pending.add(replicas.setState(w, state));
    }
    Replies.settle(pending);
    for (int i = 0; i < targets.length; i++) {
      Future<Void> f = pending.get(i);
      if (f.failed() && f.cause() instanceof WorkerUnavailableException e) {
        workers.lose(targets[i], when, e);
      } else if (f.failed()) {
        throw Replies.rethrow(f.cause());
      }
    }
  }
}
