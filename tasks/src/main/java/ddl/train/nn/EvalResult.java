package ddl.train.nn;

/**
 * Loss and accuracy counts over some rows; results over disjoint rows add up with {@link #plus}.
 *
 * @param lossSum the cross-entropy summed over the rows
 * @param correct how many rows were classified correctly
 * @param count how many rows were evaluated
 */
public record EvalResult(double lossSum, int correct, int count) {

    /** The result over no rows. */
    public static final EvalResult EMPTY = new EvalResult(0, 0, 0);

    /** Returns the combined result over the rows of both. */
    public EvalResult plus(EvalResult other) {
        return new EvalResult(lossSum + other.lossSum, correct + other.correct, count + other.count);
    }

    /** Returns the mean loss per row, or NaN over no rows. */
    public double meanLoss() {
        return count == 0 ? Double.NaN : lossSum / count;
    }

    /** Returns the fraction of rows classified correctly, or NaN over no rows. */
    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }
}
