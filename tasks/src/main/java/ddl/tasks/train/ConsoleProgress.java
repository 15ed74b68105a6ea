package ddl.tasks.train;

import ddl.master.train.EpochStats;
import ddl.master.train.ModelState;
import ddl.master.train.TrainingProgress;
import java.util.Locale;
import java.util.function.BiConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training on the console: a progress bar over the steps of the running epoch (cleared when
 * the epoch ends) and one line per epoch with its loss, test accuracy, samples/s and the split of
 * step time; then hands the epoch on (to save a checkpoint).
 */
final class ConsoleProgress implements TrainingProgress {
  private final boolean bar;
  private final BiConsumer<EpochStats, ModelState> after;
  private ProgressBar current;
  private volatile float lastLoss = Float.NaN;

  /**
   * @param bar whether to draw the progress bar
   * @param after called with each finished epoch
   */
  ConsoleProgress(boolean bar, BiConsumer<EpochStats, ModelState> after) {
    this.bar = bar;
    this.after = after;
  }

  @Override
  public void epochStarting(int epoch, int epochs, int steps) {
    if (bar) {
      current = new ProgressBarBuilder()
          .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs))
          .setInitialMax(steps)
          .setStyle(ProgressBarStyle.ASCII)
          .setUnit(" steps", 1)
          .setUpdateIntervalMillis(250)
          .setMaxRenderedLength(110)
          .showSpeed()
          .clearDisplayOnFinish()
          .build();
    }
  }

  @Override
  public void stepDone(int epoch, int step, float loss) {
    lastLoss = loss;
    ProgressBar pb = current;
    if (pb != null) {
      pb.step();
      if (step % 20 == 0) {
        pb.setExtraMessage(String.format(Locale.ROOT, " loss %.3f", lastLoss));
      }
    }
  }

  @Override
  public void epochDone(EpochStats s, ModelState state) {
    if (current != null) {
      current.close();
      current = null;
    }
    System.out.println(line(s));
    after.accept(s, state);
  }

  /** One epoch as a console line. */
  static String line(EpochStats s) {
    String wait = s.waitShare() > 0.005 ? String.format(Locale.ROOT, " wait %2.0f%%", 100 * s.waitShare()) : "";
    return String.format(Locale.ROOT,
        "epoch %3d  train loss %.4f  test loss %.4f  test acc %.4f  %,7.0f samples/s  "
            + "compute %2.0f%% comm %2.0f%% master %2.0f%%%s  (%.1f s)",
        s.epoch(), s.trainLoss(), s.testLoss(), s.testAccuracy(), s.samplesPerSecond(), 100 * s.computeShare(),
        100 * s.communicationShare(), 100 * s.masterShare(), wait, s.stepSeconds() + s.evalSeconds());
  }
}
