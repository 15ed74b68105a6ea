package ddl.transport;

/**
 * A call failed on a worker. Its stack is where the master made the call; its cause carries the
 * worker's stack, so a printed trace shows both.
 */
public class RemoteException extends DdlException {
  private final String worker;
  private final String remoteClassName;
  private final String remoteMessage;

  /**
   * @param cause the worker-side exception as rebuilt for printing ({@link RemoteCause})
   */
  public RemoteException(String worker, String call, RemoteCause cause) {
    super("worker " + worker + " failed " + call + ": " + cause.remoteClassName() + ": " + cause.getMessage(), cause);
    this.worker = worker;
    this.remoteClassName = cause.remoteClassName();
    this.remoteMessage = cause.getMessage();
  }

  /** The worker's address. */
  public String worker() {
    return worker;
  }

  /** Class name of the exception thrown on the worker. */
  public String remoteClassName() {
    return remoteClassName;
  }

  /** Message of the exception thrown on the worker. */
  public String remoteMessage() {
    return remoteMessage;
  }

  /** The worker-side exception, rebuilt with its remote stack trace for printing. */
  public static final class RemoteCause extends RuntimeException {
    private final String remoteClassName;

    public RemoteCause(String remoteClassName, String message, StackTraceElement[] stack, RemoteCause cause) {
      super(message, cause, false, true);
      this.remoteClassName = remoteClassName;
      setStackTrace(stack);
    }

    public String remoteClassName() {
      return remoteClassName;
    }

    @Override
    public String toString() {
      return "(remote) " + remoteClassName + ": " + getMessage();
    }
  }
}
