package ddl.train.driver;

/** Hears of every finished step, e.g. to move a progress bar. May be called from several threads. */
@FunctionalInterface
public interface StepListener {
  StepListener NONE = (epoch, step, loss) -> {};

  /** A step of {@code epoch} finished; {@code loss} is its batch loss (one worker's in async modes). */
  void stepDone(int epoch, int step, float loss);
}
