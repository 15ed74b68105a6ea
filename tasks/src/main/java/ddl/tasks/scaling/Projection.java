package ddl.tasks.scaling;

import java.util.ArrayList;
import java.util.List;

/**
 * Step time and scaling efficiency of sync SGD on N workers over a network that was not measured,
 * from a fitted {@link CostModel}: the per-byte time of a link of {@code gbits} Gbit/s is the wire's,
 * {@code 8 / (gbits·10^9 · GOODPUT)}, plus the software's own per-byte time measured here; compute is
 * the one-worker compute time (on this 2-core machine, N workers share the cores, so compute measured
 * with N workers would charge CPU sharing to the network). Efficiency is {@code T(1) / T(N)}: N
 * workers' throughput against N times one worker's that averages nothing ({@code T(1) = c + 2α}).
 *
 * @param network the network's name, such as {@code 10GbE}
 * @param allreduce how gradients are averaged
 * @param workers N
 * @param step predicted seconds per step
 * @param efficiency T(1) / T(N)
 * @param stepAtKernelLatency the step time with α at the kernel's own latency (ping RTT / 2) instead
 * @param efficiencyAtKernelLatency T(1) / T(N) with that α
 */
public record Projection(String network, Allreduce allreduce, int workers, double step, double efficiency,
    double stepAtKernelLatency, double efficiencyAtKernelLatency) {
  /** TCP payload per byte on an Ethernet wire, MTU 1500: 1448 bytes of data in 1538 bytes of frame and gaps. */
  public static final double GOODPUT = 1448.0 / 1538.0;

  /**
   * What the projection assumes besides the model.
   *
   * @param compute one worker's compute time per step, seconds
   * @param masterPerWorker the master's own work per step and worker (master allreduce), seconds
   * @param softwareBeta the software's per-byte time on top of the wire's, seconds
   * @param kernelAlpha the per-message latency of the kernel alone (ping RTT / 2), seconds
   */
  public record Inputs(double compute, double masterPerWorker, double softwareBeta, double kernelAlpha) {}

  /** β of a link of {@code gbits} Gbit/s. */
  public static double beta(double gbits, Inputs in) {
    return 8 / (gbits * 1e9 * GOODPUT) + in.softwareBeta();
  }

  /** The projection for one network, allreduce and N. */
  public static Projection of(CostModel model, Inputs in, String network, double gbits, Allreduce allreduce, int n) {
    double beta = beta(gbits, in);
    double master = allreduce == Allreduce.MASTER ? in.masterPerWorker() * n : 0;
    double step = model.predict(allreduce, n, in.compute(), master, beta);
    CostModel kernel = new CostModel(model.layout(), model.windowShare(), in.kernelAlpha(), model.beta());
    double stepKernel = kernel.predict(allreduce, n, in.compute(), master, beta);
    return new Projection(network, allreduce, n, step, (in.compute() + 2 * model.alpha()) / step, stepKernel,
        (in.compute() + 2 * in.kernelAlpha()) / stepKernel);
  }

  /** Projections for every combination. */
  public static List<Projection> table(CostModel model, Inputs in, List<String> networks, List<Double> gbits,
      List<Integer> workers) {
    List<Projection> out = new ArrayList<>();
    for (int i = 0; i < networks.size(); i++) {
      for (Allreduce a : List.of(Allreduce.RING, Allreduce.MASTER)) {
        for (int n : workers) {
          out.add(of(model, in, networks.get(i), gbits.get(i), a, n));
        }
      }
    }
    return out;
  }

  /**
   * The smallest batch per worker (compute, and with it the overlap window, growing in proportion to it from
   * {@code batch}) at which the ring reaches {@code target} efficiency on N workers, or -1 if none
   * up to a million rows.
   */
  public static int batchFor(double target, CostModel model, Inputs in, int batch, double gbits, int n) {
    double lo = 1;
    double hi = 1_000_000.0 / batch;
    if (scaled(model, in, lo).efficiency(gbits, n) >= target) {
      return batch;
    }
    if (scaled(model, in, hi).efficiency(gbits, n) < target) {
      return -1;
    }
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (scaled(model, in, mid).efficiency(gbits, n) >= target) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return (int) Math.ceil(hi * batch);
  }

  private record Scaled(CostModel model, Inputs in) {
    double efficiency(double gbits, int n) {
      return of(model, in, "", gbits, Allreduce.RING, n).efficiency();
    }
  }

  private static Scaled scaled(CostModel m, Inputs in, double factor) {
    return new Scaled(m, new Inputs(in.compute() * factor, in.masterPerWorker(), in.softwareBeta(), in.kernelAlpha()));
  }
}
