package ddl.transport;

/** A call could not complete because its worker is unreachable, lost or timed out. */
public class WorkerUnavailableException extends DdlException {
  private final String worker;

  public WorkerUnavailableException(String worker, String message, Throwable cause) {
    super("worker " + worker + ": " + message, cause);
    this.worker = worker;
  }

  public String worker() {
    return worker;
  }
}
