package ddl.train;

import ddl.train.driver.EpochStats;
import ddl.train.driver.ModelState;
import ddl.train.driver.TrainingProgress;
import ddl.transport.cli.Terminal;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training on the console: on a terminal, a progress bar over the steps of the running epoch
 * (cleared when the epoch ends); otherwise (a log file, a pipe, JSON logs) a line at every 10 % of
 * the epoch. Then one line per epoch with its loss, test accuracy, samples/s and the split of step
 * time, and the epoch goes on to {@code after} (to save a checkpoint).
 */
final class ConsoleProgress implements TrainingProgress {
  private final boolean bar;
  private final boolean terminal;
  private final BiConsumer<EpochStats, ModelState> after;
  private ProgressBar current;
  private volatile float lastLoss = Float.NaN;
  private final AtomicInteger stepsDone = new AtomicInteger();
  private volatile int steps;
  private volatile int epochs;
  private volatile long epochStart;

  /**
   * @param bar whether to show progress within an epoch
   * @param after called with each finished epoch
   */
  ConsoleProgress(boolean bar, BiConsumer<EpochStats, ModelState> after) {
    this(bar, Terminal.isInteractive(), after);
  }

  ConsoleProgress(boolean bar, boolean terminal, BiConsumer<EpochStats, ModelState> after) {
    this.bar = bar;
    this.terminal = terminal;
    this.after = after;
  }

  @Override
  public void epochStarting(int epoch, int epochs, int steps) {
    this.steps = steps;
    this.epochs = epochs;
    stepsDone.set(0);
    epochStart = System.nanoTime();
    if (bar && terminal) {
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
    int done = stepsDone.incrementAndGet();
    if (bar && !terminal) {
      int total = steps;
      // A line whenever the count crosses a tenth of the epoch.
      if (total > 0 && done * 10L / total != (done - 1) * 10L / total && done < total) {
        System.out.println(tenthLine(epoch + 1, epochs, done, total, loss, (System.nanoTime() - epochStart) / 1e9));
      }
    }
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

  /** Progress within an epoch, as the line printed every 10 % when there is no terminal. */
  static String tenthLine(int epoch, int epochs, int done, int total, float loss, double seconds) {
    double rate = seconds <= 0 ? 0 : done / seconds;
    return String.format(Locale.ROOT, "epoch %d/%d %3d%%  step %,d/%,d  loss %.4f  %,.0f steps/s  eta %.0f s",
        epoch, epochs, done * 100L / total, done, total, loss, rate, rate == 0 ? 0 : (total - done) / rate);
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
