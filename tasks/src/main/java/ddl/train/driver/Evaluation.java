package ddl.train.driver;

/**
 * Loss and accuracy counts of a model over some held-out rows; results over disjoint rows add up.
 *
 * @param lossSum the cross-entropy summed over the rows
 * @param correct rows classified correctly
 * @param count rows evaluated
 * @param computeNanos time spent computing
 */
public record Evaluation(double lossSum, long correct, long count, long computeNanos) {
  /** The result over no rows. */
  public static final Evaluation EMPTY = new Evaluation(0, 0, 0, 0);

  /** The combined result over the rows of both (compute times add up). */
  public Evaluation plus(Evaluation o) {
    return new Evaluation(lossSum + o.lossSum, correct + o.correct, count + o.count, computeNanos + o.computeNanos);
  }

  /** Mean loss per row; NaN over no rows. */
  public double meanLoss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }

  /** Fraction classified correctly; NaN over no rows. */
  public double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }
}
