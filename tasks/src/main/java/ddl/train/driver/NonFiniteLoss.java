package ddl.train.driver;

import java.util.Locale;

/**
 * What training does when a step's loss is NaN or infinite (a learning rate too high, bad data):
 * {@link Policy#STOP} ends the run before the diverged weights are saved; {@link Policy#SKIP}
 * leaves that step's update out and goes on, but still stops after {@link #MOST_IN_A_ROW} such
 * steps in a row. One per run; thread-safe.
 */
public final class NonFiniteLoss {
  /** The choices of {@code --on-nan}. */
  public enum Policy { STOP, SKIP }

  /** Skipped steps in a row after which even {@link Policy#SKIP} stops: the weights themselves have diverged. */
  public static final int MOST_IN_A_ROW = 20;

  private final Policy policy;
  private int inARow;
  private long skipped;

  public NonFiniteLoss(Policy policy) {
    this.policy = policy;
  }

  /** A fresh check that stops at the first non-finite loss. */
  public static NonFiniteLoss stop() {
    return new NonFiniteLoss(Policy.STOP);
  }

  public Policy policy() {
    return policy;
  }

  /** Steps whose update was left out so far. */
  public synchronized long skipped() {
    return skipped;
  }

  /**
   * Checks the loss of step {@code step} (0-based) of 0-based epoch {@code epoch}: false when it is
   * finite, true when the step's update must be left out, and throws
   * {@link NonFiniteLossException} when the run must stop.
   */
  public synchronized boolean skips(int epoch, int step, int steps, double loss, float learningRate) {
    if (Double.isFinite(loss)) {
      inARow = 0;
      return false;
    }
    String what = String.format(Locale.ROOT, "the training loss is %s at %s (learning rate %.4g at that step)",
        Double.isNaN(loss) ? "NaN" : "infinite", LiveWorkers.at(epoch, step, steps), learningRate);
    if (policy == Policy.STOP) {
      throw new NonFiniteLossException(what + "; stopped without saving these weights (--on-nan stop). Lower --lr,"
          + " or pass --on-nan skip to leave such steps out");
    }
    inARow++;
    skipped++;
    if (inARow >= MOST_IN_A_ROW) {
      throw new NonFiniteLossException(what + ", the " + MOST_IN_A_ROW + "th step in a row, so the weights themselves"
          + " have diverged; stopped without saving them. Lower --lr");
    }
    return true;
  }

  /** The run stopped on a NaN or infinite loss. */
  public static final class NonFiniteLossException extends ddl.transport.DdlException {
    public NonFiniteLossException(String message) {
      super(message, null);
    }
  }
}
