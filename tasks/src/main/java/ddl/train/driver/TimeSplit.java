package ddl.train.driver;

/**
 * Where the time of training steps went, summed over steps (and over workers where they run
 * independently): computing on the workers, communicating (serialization, network, scheduling:
 * a round trip minus the worker's compute time), the master's own work (averaging, updating) and
 * waiting (the staleness gate).
 */
public record TimeSplit(long computeNanos, long communicationNanos, long masterNanos, long waitNanos) {
  public static final TimeSplit ZERO = new TimeSplit(0, 0, 0, 0);

  public TimeSplit plus(TimeSplit o) {
    return new TimeSplit(computeNanos + o.computeNanos, communicationNanos + o.communicationNanos,
        masterNanos + o.masterNanos, waitNanos + o.waitNanos);
  }

  public long totalNanos() {
    return computeNanos + communicationNanos + masterNanos + waitNanos;
  }

  public double computeShare() {
    return share(computeNanos);
  }

  public double communicationShare() {
    return share(communicationNanos);
  }

  public double masterShare() {
    return share(masterNanos);
  }

  public double waitShare() {
    return share(waitNanos);
  }

  private double share(long part) {
    long total = totalNanos();
    return total == 0 ? 0 : (double) part / total;
  }
}
