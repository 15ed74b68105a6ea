package ddl.train.driver;

/** Adds up an epoch's rows, correct predictions, loss and time as the workers' replies come in. */
final class EpochTally {
  private long samples;
  private long correct;
  private double lossSum;
  private TimeSplit split = TimeSplit.ZERO;

  /** One reply's work: {@code rows} rows, {@code correct} of them right, summed loss {@code lossSum}. */
  synchronized void add(long rows, long correct, double lossSum) {
    this.samples += rows;
    this.correct += correct;
    this.lossSum += lossSum;
  }

  synchronized void add(TimeSplit time) {
    split = split.plus(time);
  }

  /**
   * One synchronous round sent at {@code start}, all replies in at {@code replied}, the master's
   * update done at {@code done}: the slowest worker's compute counts as compute, the rest of the
   * round trip as communication.
   */
  void round(long start, long replied, long done, long slowestComputeNanos) {
    long roundTrip = replied - start;
    long compute = Math.min(slowestComputeNanos, roundTrip);
    add(new TimeSplit(compute, roundTrip - compute, done - replied, 0));
  }

  synchronized EpochTotals result(int steps, long nanos) {
    return new EpochTotals(steps, samples, lossSum, correct, nanos, split);
  }
}
