package ddl.train.checkpoint;

import ddl.train.driver.EpochStats;
import ddl.train.driver.FloatArrays;
import ddl.train.driver.ModelState;
import ddl.train.driver.NonFiniteLoss.NonFiniteLossException;
import ddl.transport.DdlException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Keeps a run's epoch history and saves a checkpoint after every epoch: the trainer's weights and
 * velocity, the epochs done, the history so far and the run's settings.
 */
public final class EpochCheckpoints implements BiConsumer<EpochStats, ModelState> {
  private final String task;
  private final String[] names;
  private final int[][] shapes;
  private final Map<String, String> settings;
  private final Path dir;
  private final List<EpochStats> history;
  private Path last;
  private ModelState lastState;

  /**
   * Continues {@code history} (empty for a fresh run) whose last checkpoint is {@code last} (or
   * null) and whose model is {@code state}.
   */
  public EpochCheckpoints(String task, String[] names, int[][] shapes, Map<String, String> settings, Path dir,
      List<EpochStats> history, Path last, ModelState state) {
    this.task = task;
    this.names = names;
    this.shapes = shapes;
    this.settings = settings;
    this.dir = dir;
    this.history = new ArrayList<>(history);
    this.last = last;
    this.lastState = state;
  }

  @Override
  public void accept(EpochStats stats, ModelState state) {
    if (!FloatArrays.allFinite(state.weights())) {
      throw new NonFiniteLossException(String.format(Locale.ROOT, "the weights after epoch %d hold NaN or infinite"
          + " values (test loss %s): the training diverged; they are not saved. Lower --lr", stats.epoch(),
          stats.testLoss()));
    }
    history.add(stats);
    lastState = state;
    last = CheckpointFiles.save(dir, new Checkpoint(task, names, shapes, state.weights(), state.velocity(),
        stats.epoch(), history, settings));
  }

  /** The model after the last epoch (or the one the run started from). */
  public ModelState lastState() {
    return lastState;
  }

  /** Every epoch's figures, resumed ones included. */
  public List<EpochStats> history() {
    return List.copyOf(history);
  }

  /**
   * {@code stop} (the run cannot go on) with what is saved and how to continue: the last
   * checkpoint to resume from, or that none was written before the first epoch ended.
   */
  public DdlException stopped(DdlException stop) {
    String advice = last == null
        ? String.format(Locale.ROOT, "No checkpoint was written: the run stopped in epoch %d, before its first epoch"
            + " ended. Once the cause is fixed, run the task again (without --resume)", history.size() + 1)
        : String.format(Locale.ROOT, "The last checkpoint is %s (after epoch %d); once the cause is fixed, continue"
            + " from it with --resume %s", last, history.size(), last);
    return new DdlException(stop.getMessage() + ". " + advice, stop);
  }

  /** The checkpoint written last (or resumed from), or null. */
  public Path last() {
    return last;
  }
}
