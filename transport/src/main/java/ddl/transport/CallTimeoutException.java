package ddl.transport;

/** A call got no reply within its deadline. Raise it with a per-call timeout or in config.yml. */
public class CallTimeoutException extends WorkerUnavailableException {
  public CallTimeoutException(String worker, String message, Throwable callSite) {
    super(worker, message, callSite);
  }
}
