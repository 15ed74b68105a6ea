package ddl.master;

/**
 * How one call of a collective ended: its value or its failure, never both. {@code index} is the
 * worker's position for {@link Cluster#callAllSettled} and {@link Cluster#asCompleted}, the item's
 * for {@link Cluster#mapSettled}; {@code worker} is the address of the worker that answered (or
 * failed).
 */
public record Settled<R>(int index, String worker, R value, Throwable failure) {
  /** A call that returned {@code value}. */
  public static <R> Settled<R> of(int index, String worker, R value) {
    return new Settled<>(index, worker, value, null);
  }

  /** A call that failed with {@code failure}. */
  public static <R> Settled<R> failed(int index, String worker, Throwable failure) {
    return new Settled<>(index, worker, null, failure);
  }

  /** Whether the call returned a value. */
  public boolean succeeded() {
    return failure == null;
  }

  @Override
  public String toString() {
    return "#" + index + " on " + worker + ": " + (succeeded() ? String.valueOf(value) : "failed: " + failure);
  }
}
