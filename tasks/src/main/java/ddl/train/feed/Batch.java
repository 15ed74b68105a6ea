package ddl.train.feed;

/**
 * One batch of training rows, as the model computes on it.
 *
 * @param epoch the epoch it belongs to (0-based)
 * @param step its step within the epoch
 * @param images its rows one after another, {@code rows * features} values
 * @param labels the class of each row
 * @param rows how many rows it holds
 */
public record Batch(int epoch, int step, float[] images, int[] labels, int rows) {
  /** Whether this is batch {@code step} of {@code epoch}. */
  public boolean is(int epoch, int step) {
    return this.epoch == epoch && this.step == step;
  }

  /** Bytes its rows and labels take. */
  public long bytes() {
    return 4L * images.length + 4L * labels.length;
  }
}
