package ddl.tasks.train;

import ddl.tasks.TaskMain;
import ddl.tasks.TaskOptions;
import java.util.Map;

/**
 * {@code scripts/task async-sgd}: asynchronous SGD of the MLP on Fashion-MNIST with the master as
 * parameter server and a staleness bound.
 */
public final class TaskAsyncSgd {
  public static final String NAME = "async-sgd";

  private TaskAsyncSgd() {}

  public static void main(String[] args) {
    TaskMain.main(prepend(NAME, args));
  }

  /** Runs the task; returns null after --help. */
  public static TrainingResult run(String[] args) {
    Map<String, String> flags = TrainSettings.flags();
    flags.put("staleness", "S steps the fastest worker may be ahead of the slowest (0 = synchronous; "
        + "default inf = unbounded)");
    TaskOptions options = TaskOptions.parse(NAME,
        "Trains the MLP on Fashion-MNIST with asynchronous SGD: the master is a parameter server that applies\n"
            + "each worker's gradient as it arrives and sends that worker fresh weights for its next batch.", flags,
        args);
    if (options == null) {
      return null;
    }
    return TrainingRun.run(NAME, TrainingRun.Mode.ASYNC, TrainSettings.of(options), options::connect);
  }

  static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
