package ddl.master;

import ddl.transport.DdlException;

/** {@link Cluster#map} gave up because one item failed; {@link #index()} says which, the cause why. */
public class MapFailedException extends DdlException {
  private final int index;

  public MapFailedException(int index, int items, String worker, Throwable cause) {
    super("item " + index + " of " + items + " failed on " + worker + ": " + cause.getMessage()
        + " (use mapSettled to keep the other items' results)", cause);
    this.index = index;
  }

  /** The failed item's position in the list given to {@code map}. */
  public int index() {
    return index;
  }
}
