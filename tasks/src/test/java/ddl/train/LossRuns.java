package ddl.train;

import ddl.master.Cluster;
import ddl.tasks.TaskAsyncSgd;
import ddl.tasks.TaskOptions;
import ddl.train.data.FashionMnist;
import ddl.train.driver.StepListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Training runs for the worker-loss scenarios: a Fashion-MNIST subset (6,000 training and 1,000
 * test rows), 3 epochs, batch 64 per worker, and a hook that acts once at a chosen step.
 */
final class LossRuns {
  static final int TRAIN_ROWS = 6000;
  static final int TEST_ROWS = 1000;
  static final int EPOCHS = 3;

  private LossRuns() {}

  static boolean datasetInstalled() {
    return Files.isDirectory(FashionMnist.DEFAULT_DIR);
  }

  static String datasetMissing() {
    return "Fashion-MNIST is not installed at " + FashionMnist.DEFAULT_DIR + " (apt-get install dataset-fashion-mnist)";
  }

  /** The task's flags for a run on the workers of {@code config}, writing under {@code dir}. */
  static String[] args(Path config, Path dir, String... extra) {
    List<String> a = new ArrayList<>(List.of("--config", config.toString(), "--epochs", "" + EPOCHS, "--batch", "64",
        "--train-rows", "" + TRAIN_ROWS, "--test-rows", "" + TEST_ROWS, "--seed", "7", "--no-progress",
        "--models", dir.resolve("models").toString(), "--runs", dir.resolve("runs").toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  /** The flags of both training tasks, for runs in either mode. */
  static final class Flags {
    @Mixin
    TaskOptions task;
    @Mixin
    TrainSettings train;
    @Option(names = "--average-every")
    int averageEvery;
    @Option(names = "--staleness", converter = TaskAsyncSgd.StalenessBound.class)
    int staleness = -1;
    @Option(names = "--allreduce")
    String allreduce = "ring";
  }

  /** Runs {@code task} as its main would (every reachable worker), with {@code observer} on every step. */
  static TrainingResult run(String task, TrainingRun.Mode mode, String[] args, StepListener observer) {
    return run(task, mode, args, observer, cluster -> cluster);
  }

  /** Like {@link #run(String, TrainingRun.Mode, String[], StepListener)}, {@code connected} acting on the cluster first. */
  static TrainingResult run(String task, TrainingRun.Mode mode, String[] args, StepListener observer,
      UnaryOperator<Cluster> connected) {
    Flags flags = TaskOptions.parse(task, new Flags(), args);
    return TrainingRun.run(task, mode, flags.train.averageEvery(flags.averageEvery).staleness(flags.staleness)
        .allreduce(flags.allreduce), () -> connected.apply(flags.task.connect()), observer);
  }

  /** Runs {@code action} once, at the first step of 0-based {@code epoch} from which {@code when} holds. */
  static StepListener once(int epoch, IntPredicate when, Action action) {
    boolean[] done = {false};
    return (e, step, loss) -> {
      synchronized (done) {
        if (done[0] || e != epoch || !when.test(step)) {
          return;
        }
        done[0] = true;
      }
      try {
        action.run();
      } catch (RuntimeException ex) {
        throw ex;
      } catch (Exception ex) {
        throw new IllegalStateException("the fault could not be injected: " + ex.getMessage(), ex);
      }
    };
  }

  /** A fault to inject. */
  interface Action {
    void run() throws Exception;
  }
}
