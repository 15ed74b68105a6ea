package ddl.transport;

/** The peer sent something this protocol does not allow; the connection is closed. */
public class ProtocolException extends DdlException {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
