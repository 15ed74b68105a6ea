package ddl.transport;

/** The peer did not prove it knows the shared secret, or this side could not prove it. */
public class AuthenticationException extends DdlException {
  public AuthenticationException(String message) {
    super(message);
  }
}
