package ddl.tasks.scaling;

import java.util.Map;

/**
 * Step time of synchronous SGD from a per-message latency α, a per-byte time β of the link, and the
 * compute time c (and the master's own averaging time m) measured per run. With S the bytes of one
 * gradient, N workers, and the ring's allreduces a of s_a values of b bytes each (its buckets, see
 * {@link GradientLayout}):
 * <ul>
 *   <li>master: {@code T = c + m + 2α + 2·N·S·β}: the step request carries the mean down to every
 *       worker and the reply brings a gradient up, so the master's link carries 2·N copies a step;
 *   <li>ring: {@code T = c + m + 2α + max(0, R_early − w) + R_late}, where each allreduce costs
 *       {@code R_a = 2(N−1)·(α + ⌈s_a/N⌉·b·β)} (reduce-scatter and all-gather, one segment per
 *       round); R_early sums the allreduces that start while backward runs, which travel during the
 *       window w = φ·c between the first and the last gradient of backward; R_late sums those that
 *       can only start after backward.
 * </ul>
 * The {@code 2α} is the master's step request and its reply, which both kinds pay.
 *
 * @param layout the ring's allreduces of a step
 * @param windowShare φ, the share of compute time from the first gradient handed out to the last (a share,
 *     not a time, because CPU contention stretches backward and its window alike)
 * @param alpha α, seconds per message
 * @param beta β per link name, seconds per byte
 */
public record CostModel(GradientLayout layout, double windowShare, double alpha, Map<String, Double> beta) {

  public CostModel {
    beta = Map.copyOf(beta);
  }

  /** A step time as {@code fixed + messages·α + bytes·β}: the model with its overlap case settled. */
  public record Terms(double fixed, double messages, double bytes) {
    public double at(double alpha, double beta) {
      return fixed + messages * alpha + bytes * beta;
    }
  }

  /**
   * The terms of one step of {@code allreduce} on {@code n} workers that compute for {@code compute}
   * seconds while the master works {@code master} seconds; whether the early allreduces
   * outlast the overlap window is decided at {@code alpha} and {@code beta}.
   */
  public static Terms terms(GradientLayout layout, double windowShare, Allreduce allreduce, int n, double compute,
      double master, double alpha, double beta) {
    double fixed = compute + master;
    double window = windowShare * compute;
    if (allreduce == Allreduce.MASTER) {
      return new Terms(fixed, 2, 2.0 * n * layout.bytes());
    }
    Terms early = ring(layout.early(), n, layout.bytesPerValue());
    Terms late = ring(layout.late(), n, layout.bytesPerValue());
    if (early.at(alpha, beta) > window) {
      return new Terms(fixed - window, 2 + early.messages() + late.messages(), early.bytes() + late.bytes());
    }
    return new Terms(fixed, 2 + late.messages(), late.bytes());
  }

  /** Messages and bytes one ring member sends, in sequence, for these allreduces among {@code n}. */
  private static Terms ring(long[] allreduces, int n, int bytesPerValue) {
    double messages = 0;
    double bytes = 0;
    for (long values : allreduces) {
      messages += 2.0 * (n - 1);
      bytes += 2.0 * (n - 1) * Math.ceilDiv(values, n) * bytesPerValue;
    }
    return new Terms(0, messages, bytes);
  }

  /** The predicted step time of a measured configuration. */
  public double predict(Point p) {
    return predict(p.allreduce(), p.workers(), p.compute(), p.master(), beta(p.link()));
  }

  /** The predicted step time with a per-byte time of {@code beta} (for links not measured). */
  public double predict(Allreduce allreduce, int n, double compute, double master, double beta) {
    return terms(layout, windowShare, allreduce, n, compute, master, alpha, beta).at(alpha, beta);
  }

  /** β of a measured link. */
  public double beta(String link) {
    Double b = beta.get(link);
    if (b == null || b.isNaN()) {
      throw new IllegalArgumentException("the model has no per-byte time for link " + link + "; it had no points"
          + " that moved gradients over it");
    }
    return b;
  }

  /**
   * Bytes sent per worker per step (the master's sends to that worker included), as the run record
   * counts them: 2·S through the master, 2(N−1)·⌈S/N⌉ in the ring.
   */
  public static double bytesPerWorker(GradientLayout layout, Allreduce allreduce, int n) {
    if (allreduce == Allreduce.MASTER) {
      return 2.0 * layout.bytes();
    }
    return ring(layout.early(), n, layout.bytesPerValue()).bytes() + ring(layout.late(), n, layout.bytesPerValue())
        .bytes();
  }
}
