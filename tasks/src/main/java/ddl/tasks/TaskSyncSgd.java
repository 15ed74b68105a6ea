package ddl.tasks;

import ddl.train.TrainSettings;
import ddl.train.TrainingResult;
import ddl.train.TrainingRun;
import ddl.train.data.ImageData;
import ddl.train.nn.ModelSpec;
import ddl.transport.cli.Range;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/task sync-sgd}: synchronous data-parallel SGD of a model on MNIST or Fashion-MNIST; with
 * {@code --average-every K}, model averaging every K local steps instead.
 */
public final class TaskSyncSgd {
  public static final String NAME = "sync-sgd";

  private TaskSyncSgd() {}

  /** The flags of {@code scripts/task sync-sgd}. */
  @Command(description = {"Trains a model (--model) on MNIST or Fashion-MNIST (--data) with synchronous SGD: every step"
      + " each worker computes a gradient on its own batch, the gradients are averaged (in a ring between the workers,"
      + " or through the master) and every worker's replica takes the same step; or, with --average-every K, the"
      + " workers average their changes every K local steps."})
  static final class Flags {
    @Mixin
    TaskOptions task;
    @Mixin
    TrainSettings train;
    @Option(names = "--average-every", paramLabel = "K", description = "model averaging: K local steps per worker"
        + " between averages (K = 1 equals sync SGD; default: sync SGD without averaging)")
    @Range(min = 1, max = 1_000_000)
    int averageEvery;
    @Option(names = "--allreduce", paramLabel = "ring|master", description = "how the workers' gradients (or, with"
        + " --average-every, changes) are averaged: ring = between the workers themselves, master = through the"
        + " master (default ${DEFAULT-VALUE})")
    String allreduce = "ring";
  }

  public static void main(String[] args) {
    TaskMain.main(TaskAsyncSgd.prepend(NAME, args));
  }

  /** Runs the task; returns null after --help. */
  public static TrainingResult run(String[] args) {
    return run(args, null);
  }

  /**
   * Runs the task with a model the caller defines (null: {@code --model}'s); for a task main of
   * one's own, such as one with a layer of its own ({@link ddl.train.nn.LayerSpec.Custom}).
   * Returns null after --help.
   */
  public static TrainingResult run(String[] args, Function<ImageData, ModelSpec> model) {
    Flags flags = TaskOptions.parse(NAME, new Flags(), args);
    if (flags == null) {
      return null;
    }
    if (!flags.allreduce.equals("ring") && !flags.allreduce.equals("master")) {
      throw new ddl.transport.cli.UsageException("scripts/task " + NAME, "--allreduce takes ring or master, not '"
          + flags.allreduce + "'");
    }
    if (flags.averageEvery > 0 && flags.train.onNan() == ddl.train.driver.NonFiniteLoss.Policy.SKIP) {
      throw new ddl.transport.cli.UsageException("scripts/task " + NAME, "--on-nan skip does not work with"
          + " --average-every (a worker's local steps cannot be taken back); use --on-nan stop");
    }
    TrainSettings settings = model == null ? flags.train : flags.train.model(model);
    return TrainingRun.run(NAME, TrainingRun.Mode.SYNC,
        settings.averageEvery(flags.averageEvery).allreduce(flags.allreduce), flags.task::connect);
  }
}
