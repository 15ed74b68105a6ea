package ddl.tasks;

import ddl.train.TrainSettings;
import ddl.train.TrainingResult;
import ddl.train.TrainingRun;
import ddl.train.driver.StalenessGate;
import ddl.transport.cli.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/task async-sgd}: asynchronous SGD of the MLP on Fashion-MNIST with the master as
 * parameter server and a staleness bound.
 */
public final class TaskAsyncSgd {
  public static final String NAME = "async-sgd";

  private TaskAsyncSgd() {}

  /** The flags of {@code scripts/task async-sgd}. */
  @Command(description = {"Trains the MLP on Fashion-MNIST with asynchronous SGD: the master is a parameter server "
      + "that applies each worker's gradient as it arrives and sends that worker fresh weights for its next batch."})
  static final class Flags {
    @Mixin
    TaskOptions task;
    @Mixin
    TrainSettings train;
    @Option(names = "--staleness", paramLabel = "S", converter = StalenessBound.class,
        description = "steps the fastest worker may be ahead of the slowest (0 = synchronous; default inf = unbounded)")
    int staleness = -1;
  }

  /** Reads a staleness bound: a whole number of steps, at least 0, or inf (unbounded, -1). */
  public static final class StalenessBound implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) throws Exception {
      return CommandLines.converter(StalenessBound::parse).convert(text);
    }

    /** Like {@link StalenessGate#parseBound}, which reads a negative number as unbounded, but refuses one. */
    static int parse(String text) {
      boolean negative;
      try {
        negative = Integer.parseInt(text.strip()) < 0;
      } catch (NumberFormatException e) {
        negative = false; // inf, or not a number: parseBound says which
      }
      if (negative) {
        throw new IllegalArgumentException("'" + text + "' is negative; give a whole number of steps >= 0"
            + " (0 = synchronous) or inf");
      }
      return StalenessGate.parseBound(text);
    }
  }

  public static void main(String[] args) {
    TaskMain.main(prepend(NAME, args));
  }

  /** Runs the task; returns null after --help. */
  public static TrainingResult run(String[] args) {
    return run(args, null);
  }

  /** Like {@link TaskSyncSgd#run(String[], java.util.function.Function)}: with a model the caller defines. */
  public static TrainingResult run(String[] args,
      java.util.function.Function<ddl.train.data.ImageData, ddl.train.nn.ModelSpec> model) {
    Flags flags = TaskOptions.parse(NAME, new Flags(), args);
    if (flags == null) {
      return null;
    }
    TrainSettings settings = model == null ? flags.train : flags.train.model(model);
    return TrainingRun.run(NAME, TrainingRun.Mode.ASYNC, settings.staleness(flags.staleness), flags.task::connect);
  }

  static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
