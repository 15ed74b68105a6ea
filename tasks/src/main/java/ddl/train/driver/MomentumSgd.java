package ddl.train.driver;

/**
 * Stochastic gradient descent with (heavy-ball) momentum on a model held as {@code float[][]}:
 * {@code v = momentum * v + g; w = w - lr * v}. Holds the velocity; not safe for concurrent use.
 */
public final class MomentumSgd {
  private final float momentum;
  private final float[][] velocity;

  /** Starts with zero velocity for a model of the layout of {@code like}. */
  public MomentumSgd(float momentum, float[][] like) {
    this(momentum, FloatArrays.zerosLike(like), true);
  }

  private MomentumSgd(float momentum, float[][] velocity, boolean owned) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1); got " + momentum);
    }
    this.momentum = momentum;
    this.velocity = owned ? velocity : FloatArrays.copy(velocity);
  }

  /** Continues from a saved velocity (copied). */
  public static MomentumSgd resume(float momentum, float[][] velocity) {
    return new MomentumSgd(momentum, velocity, false);
  }

  public float momentum() {
    return momentum;
  }

  /** The velocity itself (not a copy). */
  public float[][] velocity() {
    return velocity;
  }

  /** One full step with gradient {@code g}: updates {@code w} in place. */
  public void step(float[][] w, float[][] g, float lr) {
    stepShare(w, g, 1f, lr, true); // a share of one is the whole step (1f * g is exact)
  }

  /**
   * One share of a step whose gradient is the mean of several parts that arrive one by one (a
   * parameter server): {@code g} counts with weight {@code share}. The first share of a step also
   * decays the velocity, so that applying the parts of a mean with shares summing to one gives, up
   * to rounding, the same {@code w} and {@code v} as {@link #step} with the mean.
   */
  public void stepShare(float[][] w, float[][] g, float share, float lr, boolean firstOfStep) {
    FloatArrays.requireSameLayout(w, g);
    FloatArrays.requireSameLayout(w, velocity);
    float mu = momentum;
    for (int t = 0; t < w.length; t++) {
      float[] wt = w[t];
      float[] gt = g[t];
      float[] vt = velocity[t];
      if (firstOfStep) {
        for (int i = 0; i < wt.length; i++) {
          float v = mu * vt[i] + share * gt[i];
          vt[i] = v;
          wt[i] -= lr * v;
        }
      } else {
        for (int i = 0; i < wt.length; i++) {
          float s = share * gt[i];
          vt[i] += s;
          wt[i] -= lr * s;
        }
      }
    }
  }
}
