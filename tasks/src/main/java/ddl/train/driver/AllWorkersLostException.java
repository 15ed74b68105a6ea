package ddl.train.driver;

import ddl.transport.DdlException;

/** Training cannot go on: every worker of the run is lost. The message says what to do. */
public final class AllWorkersLostException extends DdlException {
  public AllWorkersLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
