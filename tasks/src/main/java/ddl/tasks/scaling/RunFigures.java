package ddl.tasks.scaling;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The figures of one sync SGD run, read from the run record the task wrote: medians over its epochs
 * (the first left out as warm-up when there are more) of the per-step times, and the bytes per
 * worker per step.
 *
 * @param point the medians in seconds, as the cost model takes them
 * @param communication median time per step not spent computing or in the master's own work
 * @param bytesPerWorkerStep bytes sent per worker per step, the master's sends to it included
 * @param samplesPerSecond training rows per second of step time over the whole run
 * @param epochs epochs the medians are taken over
 * @param stepsPerEpoch steps in each epoch
 * @param model the model's text form
 * @param record the run record's path
 */
public record RunFigures(Point point, double communication, double bytesPerWorkerStep, double samplesPerSecond,
    int epochs, int stepsPerEpoch, String model, Path record) {

  /** Reads the record of a run over link {@code link}. */
  @SuppressWarnings("unchecked")
  public static RunFigures read(Path record, String link) {
    Map<String, Object> r;
    try {
      r = new Gson().fromJson(Files.readString(record), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run record " + record, e);
    }
    if (r == null || !(r.get("epoch_details") instanceof List<?>)) {
      throw new IllegalArgumentException(record + " is not a training run record (no epoch_details)");
    }
    List<Map<String, Object>> epochs = (List<Map<String, Object>>) r.get("epoch_details");
    int steps = number(r, "steps_per_epoch").intValue();
    List<Map<String, Object>> used = epochs.size() > 1 ? epochs.subList(1, epochs.size()) : epochs;
    double[] step = new double[used.size()];
    double[] compute = new double[used.size()];
    double[] master = new double[used.size()];
    double[] comm = new double[used.size()];
    for (int i = 0; i < used.size(); i++) {
      Map<String, Object> e = used.get(i);
      step[i] = number(e, "step_seconds").doubleValue() / steps;
      compute[i] = step[i] * number(e, "compute_share").doubleValue();
      master[i] = step[i] * number(e, "master_share").doubleValue();
      comm[i] = step[i] * number(e, "communication_share").doubleValue();
    }
    Point p = new Point(link, number(r, "workers").intValue(), Allreduce.parse(String.valueOf(r.get("allreduce"))),
        median(step), median(compute), median(master));
    return new RunFigures(p, median(comm), number(r, "bytes_per_worker_step").doubleValue(),
        number(r, "samples_per_second").doubleValue(), used.size(), steps, String.valueOf(r.get("model")), record);
  }

  private static Number number(Map<String, Object> m, String key) {
    if (m.get(key) instanceof Number n) {
      return n;
    }
    throw new IllegalArgumentException("the run record lacks the number '" + key + "'");
  }

  /** The median of {@code values} (not empty). */
  public static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
