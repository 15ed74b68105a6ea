package ddl.worker;

/**
 * The worker's exit codes: the contract between a worker and the supervisor that restarts it
 * (scripts/supervise, or Kubernetes). Any other code, and death by a signal other than TERM or
 * INT, is a crash, restarted after a back-off.
 */
public final class WorkerExit {
  /** Stopped on request (the Shutdown RPC, scripts/shutdown): do not restart. */
  public static final int STOPPED = 0;
  /** Bad options or configuration: do not restart, it would fail the same way. */
  public static final int USAGE = 2;
  /** Could not listen on its address (the port may be taken): restart after a back-off. */
  public static final int CANNOT_LISTEN = 3;
  /** Left on purpose and wants to be started afresh (e.g. after runaway calls): restart at once. */
  public static final int RESTART = 75;

  private WorkerExit() {}
}
