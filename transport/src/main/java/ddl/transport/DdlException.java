package ddl.transport;

/** Base of every error DDL raises; the message says what went wrong and what to do. */
public class DdlException extends RuntimeException {
  public DdlException(String message) {
    super(message);
  }

  public DdlException(String message, Throwable cause) {
    super(message, cause);
  }
}
