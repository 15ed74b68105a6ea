package ddl.train.driver;

/**
 * What the training steps of one epoch add up to.
 *
 * @param steps global steps taken (each worker took this many batches)
 * @param samples training rows processed over all workers
 * @param lossSum batch mean losses weighted by their rows, summed
 * @param correct training rows classified correctly before their step
 * @param nanos wall time of the epoch's steps
 * @param split where the step time went
 */
public record EpochTotals(int steps, long samples, double lossSum, long correct, long nanos, TimeSplit split) {

  /** Mean training loss per row. */
  public double trainLoss() {
    return samples == 0 ? Double.NaN : lossSum / samples;
  }

  /** Training accuracy over the epoch (on the weights of each batch's step). */
  public double trainAccuracy() {
    return samples == 0 ? Double.NaN : (double) correct / samples;
  }

  /** Training rows per second of step time. */
  public double samplesPerSecond() {
    return nanos == 0 ? 0 : samples / (nanos / 1e9);
  }
}
