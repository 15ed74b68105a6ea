package ddl.transport;

/** The caller cancelled the call ({@link CallFuture#cancel()}); the worker was asked to interrupt it. */
public class CallCancelledException extends DdlException {
  public CallCancelledException(String message) {
    super(message);
  }
}
