package ddl.tasks.train;

import ddl.tasks.TaskMain;
import ddl.tasks.TaskOptions;
import ddl.transport.cli.Range;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/task sync-sgd}: synchronous data-parallel SGD of the MLP on Fashion-MNIST; with
 * {@code --average-every K}, model averaging every K local steps instead.
 */
public final class TaskSyncSgd {
  public static final String NAME = "sync-sgd";

  private TaskSyncSgd() {}

  /** The flags of {@code scripts/task sync-sgd}. */
  @Command(description = {"Trains the MLP on Fashion-MNIST with synchronous SGD: every step each worker computes a "
      + "gradient on its own batch, the master averages them and updates; or, with --average-every K, averages the "
      + "workers' weights every K local steps."})
  static final class Flags {
    @Mixin
    TaskOptions task;
    @Mixin
    TrainSettings train;
    @Option(names = "--average-every", paramLabel = "K", description = "model averaging: K local steps per worker"
        + " between averages (K = 1 equals sync SGD; default: sync SGD without averaging)")
    @Range(min = 1, max = 1_000_000)
    int averageEvery;
  }

  public static void main(String[] args) {
    TaskMain.main(TaskAsyncSgd.prepend(NAME, args));
  }

  /** Runs the task; returns null after --help. */
  public static TrainingResult run(String[] args) {
    Flags flags = TaskOptions.parse(NAME, new Flags(), args);
    if (flags == null) {
      return null;
    }
    return TrainingRun.run(NAME, TrainingRun.Mode.SYNC, flags.train.averageEvery(flags.averageEvery),
        flags.task::connect);
  }
}
