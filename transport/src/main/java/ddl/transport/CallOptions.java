package ddl.transport;

import java.time.Duration;

/**
 * How one call is made: its deadline, and arrays the reply may be read into. Immutable; start from
 * {@link #DEFAULT} or a factory and chain {@code with...}.
 *
 * <pre>{@code
 * worker.call(Model::step, batch, CallOptions.timeout(Duration.ofSeconds(30)).replyInto(gradients));
 * }</pre>
 *
 * @param timeout the call's deadline, or null for {@code transport.call_timeout_seconds}; past it
 *     the call fails with {@link CallTimeoutException} and the worker interrupts it
 * @param lender arrays the reply fills instead of new ones, or null (see {@link ArrayLender})
 */
public record CallOptions(Duration timeout, ArrayLender lender) {
  /** The config's deadline, nothing lent. */
  public static final CallOptions DEFAULT = new CallOptions(null, null);

  public CallOptions {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("a call's timeout must be positive, not " + timeout);
    }
  }

  /** A deadline of {@code timeout}. */
  public static CallOptions timeout(Duration timeout) {
    return new CallOptions(timeout, null);
  }

  /** These options with deadline {@code timeout}. */
  public CallOptions withTimeout(Duration newTimeout) {
    return new CallOptions(newTimeout, lender);
  }

  /** These options with the reply read into {@code arrays} where types and lengths match. */
  public CallOptions replyInto(Object... arrays) {
    return new CallOptions(timeout, ArrayLender.of(arrays));
  }

  /** The deadline, or {@code fallback} when none was set. */
  public Duration timeoutOr(Duration fallback) {
    return timeout == null ? fallback : timeout;
  }
}
