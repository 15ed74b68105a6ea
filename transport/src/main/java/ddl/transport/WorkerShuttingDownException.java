package ddl.transport;

/**
 * Thrown on a worker that is shutting down, to a call it will not run; on the master the call fails
 * with it as a {@link WorkerUnavailableException}, so training drops the worker like a lost one.
 */
public final class WorkerShuttingDownException extends WorkerUnavailableException {
  public WorkerShuttingDownException(String worker) {
    super(worker, "is shutting down", null);
  }
}
