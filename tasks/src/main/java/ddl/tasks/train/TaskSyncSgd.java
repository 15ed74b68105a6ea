package ddl.tasks.train;

import ddl.tasks.TaskMain;
import ddl.tasks.TaskOptions;
import java.util.Map;

/**
 * {@code scripts/task sync-sgd}: synchronous data-parallel SGD of the MLP on Fashion-MNIST; with
 * {@code --average-every K}, model averaging every K local steps instead.
 */
public final class TaskSyncSgd {
  public static final String NAME = "sync-sgd";

  private TaskSyncSgd() {}

  public static void main(String[] args) {
    TaskMain.main(TaskAsyncSgd.prepend(NAME, args));
  }

  /** Runs the task; returns null after --help. */
  public static TrainingResult run(String[] args) {
    Map<String, String> flags = TrainSettings.flags();
    flags.put("average-every", "K model averaging: K local steps per worker between averages (K = 1 equals sync SGD;"
        + " default: sync SGD without averaging)");
    TaskOptions options = TaskOptions.parse(NAME,
        "Trains the MLP on Fashion-MNIST with synchronous SGD: every step each worker computes a gradient on its\n"
            + "own batch, the master averages them and updates; or, with --average-every K, averages the workers'\n"
            + "weights every K local steps.", flags, args);
    if (options == null) {
      return null;
    }
    return TrainingRun.run(NAME, TrainingRun.Mode.SYNC, TrainSettings.of(options), options::connect);
  }
}
