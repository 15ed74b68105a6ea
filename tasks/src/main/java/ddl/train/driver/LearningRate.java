package ddl.train.driver;

import java.util.Locale;

/**
 * The learning rate at each global step: a linear warm-up over {@code warmupSteps}, then either
 * constant or a cosine decay from {@code base} to zero at {@code totalSteps}.
 *
 * @param base the peak learning rate
 * @param shape {@code constant} or {@code cosine}
 * @param totalSteps the steps of the whole run (the cosine reaches zero there)
 * @param warmupSteps steps of linear warm-up from {@code base / warmupSteps} to {@code base}
 */
public record LearningRate(double base, Shape shape, long totalSteps, long warmupSteps) {

  /** How the rate changes after warm-up. */
  public enum Shape {
    CONSTANT, COSINE;

    /** Parses {@code constant} or {@code cosine}. */
    public static Shape parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown learning-rate schedule '" + text + "'; use constant or cosine");
      }
    }
  }

  public LearningRate {
    if (!(base > 0) || totalSteps < 1 || warmupSteps < 0) {
      throw new IllegalArgumentException("learning rate needs base > 0, totalSteps >= 1 and warmupSteps >= 0; got "
          + base + ", " + totalSteps + ", " + warmupSteps);
    }
  }

  /** A rate that never changes. */
  public static LearningRate constant(double base) {
    return new LearningRate(base, Shape.CONSTANT, 1, 0);
  }

  /**
   * The same schedule in epochs when an epoch has {@code newSteps} steps instead of
   * {@code oldSteps} (the workers changed): warm-up and total keep their length in epochs.
   */
  public LearningRate perEpochOf(int oldSteps, int newSteps) {
    if (oldSteps == newSteps || shape == Shape.CONSTANT && warmupSteps == 0) {
      return this;
    }
    double f = (double) newSteps / oldSteps;
    return new LearningRate(base, shape, Math.max(1, Math.round(totalSteps * f)), Math.round(warmupSteps * f));
  }

  /** The rate for global step {@code step} (0-based). */
  public float at(long step) {
    if (step < warmupSteps) {
      return (float) (base * (step + 1) / warmupSteps);
    }
    return switch (shape) {
      case CONSTANT -> (float) base;
      case COSINE -> {
        double span = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (step - warmupSteps) / span);
        yield (float) (base * 0.5 * (1 + Math.cos(Math.PI * progress)));
      }
    };
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s %.4g (warm-up %d of %d steps)", shape.name().toLowerCase(Locale.ROOT),
        base, warmupSteps, totalSteps);
  }
}
