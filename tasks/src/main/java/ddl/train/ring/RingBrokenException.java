package ddl.train.ring;

/**
 * A ring allreduce could not complete because another member is gone (its link failed, or its
 * pieces stopped coming). The master re-forms the ring from the live workers and retries the step;
 * it is not a bug in the worker's code.
 */
public final class RingBrokenException extends RuntimeException {
  public RingBrokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
