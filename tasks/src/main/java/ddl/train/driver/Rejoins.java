package ddl.train.driver;

/** Brings the replicas of workers that rejoined at an epoch start up to date with the others. */
final class Rejoins {
  private Rejoins() {}

  /** Copies a live replica's state to every worker that rejoined; returns whether any did. */
  static boolean bringUpToDate(Replicas replicas, LiveWorkers workers, int epoch) {
    int[] rejoined = workers.takeRejoined();
    if (rejoined.length == 0) {
      return false;
    }
    String when = "the start of epoch " + (epoch + 1) + " (bringing rejoined workers up to date)";
    ModelState state = ReplicaChecks.state(replicas, workers, when, rejoined);
    ReplicaChecks.setState(replicas, workers, rejoined, state, when);
    return true;
  }
}
