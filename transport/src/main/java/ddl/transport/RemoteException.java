package ddl.transport;

import ddl.transport.Messages.RemoteError;

/**
 * A call failed on a worker. Its stack is where the master made the call; its cause carries the
 * worker's stack, so a printed trace shows both.
 */
public class RemoteException extends DdlException {
  private final String worker;
  private final RemoteError error;

  public RemoteException(String worker, String call, RemoteError error) {
    super("worker " + worker + " failed " + call + ": " + error.className() + ": " + error.message(),
        new RemoteCause(error));
    this.worker = worker;
    this.error = error;
  }

  /** The worker's address. */
  public String worker() {
    return worker;
  }

  /** Class name of the exception thrown on the worker. */
  public String remoteClassName() {
    return error.className();
  }

  /** Message of the exception thrown on the worker. */
  public String remoteMessage() {
    return error.message();
  }

  /** The worker's exception as sent. */
  public RemoteError error() {
    return error;
  }

  /** The worker-side exception, rebuilt with its remote stack trace for printing. */
  public static final class RemoteCause extends RuntimeException {
    private final String remoteClassName;

    RemoteCause(RemoteError error) {
      super(error.message(), error.cause() == null ? null : new RemoteCause(error.cause()), false, true);
      this.remoteClassName = error.className();
      setStackTrace(error.stack().stream().map(Messages.RemoteFrame::toElement).toArray(StackTraceElement[]::new));
    }

    @Override
    public String toString() {
      return "(remote) " + remoteClassName + ": " + getMessage();
    }
  }
}
