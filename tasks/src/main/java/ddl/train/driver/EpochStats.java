package ddl.train.driver;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one finished epoch.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean training loss over the epoch's batches
 * @param trainAccuracy training accuracy over the epoch's batches
 * @param testLoss mean loss on the held-out set after the epoch
 * @param testAccuracy accuracy on the held-out set after the epoch
 * @param samples training rows processed in the epoch
 * @param stepSeconds wall time of the epoch's training steps
 * @param evalSeconds wall time of the evaluation after it
 * @param wallSeconds wall time of training since the run began (over resumed runs too)
 * @param computeShare share of step time the workers spent computing
 * @param communicationShare share of step time spent communicating
 * @param masterShare share of step time the master spent averaging and updating
 * @param waitShare share of step time workers waited for the staleness gate
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
    long samples, double stepSeconds, double evalSeconds, double wallSeconds, double computeShare,
    double communicationShare, double masterShare, double waitShare) {

  /** Training rows per second of step time. */
  public double samplesPerSecond() {
    return stepSeconds == 0 ? 0 : samples / stepSeconds;
  }

  /** The figures as a JSON-friendly map with snake_case keys. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("train_loss", trainLoss);
    m.put("train_accuracy", trainAccuracy);
    m.put("test_loss", testLoss);
    m.put("test_accuracy", testAccuracy);
    m.put("samples", samples);
    m.put("step_seconds", stepSeconds);
    m.put("eval_seconds", evalSeconds);
    m.put("wall_seconds", wallSeconds);
    m.put("samples_per_second", samplesPerSecond());
    m.put("compute_share", computeShare);
    m.put("communication_share", communicationShare);
    m.put("master_share", masterShare);
    m.put("wait_share", waitShare);
    return m;
  }

  public void write(DataOutput out) throws IOException {
    out.writeInt(epoch);
    for (double d : new double[] {trainLoss, trainAccuracy, testLoss, testAccuracy}) {
      out.writeDouble(d);
    }
    out.writeLong(samples);
    for (double d : new double[] {stepSeconds, evalSeconds, wallSeconds, computeShare, communicationShare,
        masterShare, waitShare}) {
      out.writeDouble(d);
    }
  }

  public static EpochStats read(DataInput in) throws IOException {
    int epoch = in.readInt();
    double[] a = new double[4];
    for (int i = 0; i < a.length; i++) {
      a[i] = in.readDouble();
    }
    long samples = in.readLong();
    double[] b = new double[7];
    for (int i = 0; i < b.length; i++) {
      b[i] = in.readDouble();
    }
    return new EpochStats(epoch, a[0], a[1], a[2], a[3], samples, b[0], b[1], b[2], b[3], b[4], b[5], b[6]);
  }
}
