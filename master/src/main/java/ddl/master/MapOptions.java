package ddl.master;

/**
 * How {@link Cluster#map} spreads its items.
 *
 * @param inFlightPerWorker most items one worker has at once (at least 1); a worker that answers
 *     gets the next item, so faster workers take more
 */
public record MapOptions(int inFlightPerWorker) {
  /** Four items in flight per worker: enough to hide a round trip, few enough to spread the load. */
  public static final MapOptions DEFAULT = new MapOptions(4);

  public MapOptions {
    if (inFlightPerWorker < 1) {
      throw new IllegalArgumentException("inFlightPerWorker must be at least 1, not " + inFlightPerWorker);
    }
  }

  /** At most {@code n} items in flight per worker. */
  public static MapOptions inFlightPerWorker(int n) {
    return new MapOptions(n);
  }
}
