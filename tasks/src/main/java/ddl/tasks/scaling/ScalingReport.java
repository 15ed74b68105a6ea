package ddl.tasks.scaling;

import ddl.train.RunRecord;
import ddl.train.driver.GradientBuckets;
import ddl.train.nn.ModelBench;
import ddl.train.nn.ModelSpec;
import ddl.transport.cli.CommandLines;
import ddl.transport.cli.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reads what {@code scripts/bench-scaling} measured on network-namespace hosts (a folder with
 * {@code points.tsv}, {@code links.tsv}, {@code machine.tsv} and the runs' records), fits the
 * {@link CostModel}, prints measured beside predicted step times and the projection to more workers
 * on faster networks, and writes {@code runs/<UTC>-scaling.json} and one plot.
 */
@Command(name = "ScalingReport", description = {"Fits the sync SGD cost model to the runs scripts/bench-scaling"
    + " measured, prints measured and predicted step times and projections, writes runs/<UTC>-scaling.json and a"
    + " plot. Run through scripts/bench-scaling --analyze DIR."})
public final class ScalingReport {
  /** The target of the projection: ring efficiency at N = 16 on 10 GbE. */
  static final double TARGET = 0.90;
  static final int TARGET_WORKERS = 16;
  static final List<String> NETWORKS = List.of("10GbE", "25GbE");
  static final List<Double> NETWORK_GBITS = List.of(10.0, 25.0);
  static final List<Integer> PROJECTED = List.of(1, 2, 4, 8, 16, 32, 64);

  @Option(names = "--dir", paramLabel = "DIR", required = true,
      description = "the folder scripts/bench-scaling measured into (points.tsv, links.tsv, machine.tsv)")
  private Path dir;
  @Option(names = "--runs", paramLabel = "DIR", description = "where the scaling record goes (default ${DEFAULT-VALUE})")
  private Path runs = Path.of("runs");
  @Option(names = "--plot", paramLabel = "FILE", description = "the plot (default ${DEFAULT-VALUE})")
  private Path plot = Path.of("images", "scaling.png");
  @Option(names = "--window-share", paramLabel = "X", description = "the overlap window w as a share of compute"
      + " time: from the first gradient backward hands out to the last (default: measured here on one worker,"
      + " TensorFlow on the CPU)")
  private Double windowShareGiven;

  private ScalingReport() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    try {
      report(args);
    } catch (UsageException e) {
      CommandLines.exitWithUsageError(e);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }

  /** Parses {@code args}, fits, prints and writes; returns the scaling record, or null after {@code --help}. */
  static Path report(String[] args) {
    ScalingReport report = new ScalingReport();
    return CommandLines.parse(report, args) ? report.run() : null;
  }

  private Path run() {
    List<String[]> pointRows = tsv("points.tsv", 4);
    List<RunFigures> figures = new ArrayList<>();
    for (String[] row : pointRows) {
      Path record = dir.resolve(row[3]);
      RunFigures f = RunFigures.read(record, row[0]);
      if (f.point().workers() != Integer.parseInt(row[1]) || f.point().allreduce() != Allreduce.parse(row[2])) {
        throw new IllegalArgumentException(record + " is a run of " + f.point().workers() + " workers, "
            + f.point().allreduce() + ", not the " + row[1] + ", " + row[2] + " points.tsv says");
      }
      figures.add(f);
    }
    if (figures.isEmpty()) {
      throw new IllegalArgumentException(dir.resolve("points.tsv") + " lists no runs");
    }
    Map<String, String[]> links = new LinkedHashMap<>();
    tsv("links.tsv", 5).forEach(r -> links.put(r[0], r));
    Map<String, String> machine = new LinkedHashMap<>();
    tsv("machine.tsv", 2).forEach(r -> machine.put(r[0], r[1]));

    String modelText = figures.get(0).model();
    ModelSpec spec = ModelSpec.parse(modelText);
    GradientLayout layout = GradientLayout.bucketed(spec, 4, GradientBuckets.CAP);
    int batch = Integer.parseInt(machine.getOrDefault("batch", "64"));
    String windowSource = "given with --window-share";
    double window;
    if (windowShareGiven != null) {
      window = windowShareGiven;
    } else {
      ModelBench.SinkTiming t = ModelBench.sinkTiming(spec, batch, 20, 60);
      window = (t.lastMs() - t.firstMs()) / t.returnMs();
      windowSource = String.format(Locale.ROOT, "measured: backward hands out its first gradient %.3f ms and its last"
          + " %.3f ms into a %.3f ms step (medians of 60, one worker, this machine)", t.firstMs(), t.lastMs(),
          t.returnMs());
    }
    List<Point> points = figures.stream().map(RunFigures::point).toList();
    CostModel model = CostModelFit.fit(points, layout, window);
    double[] errors = CostModelFit.relativeErrors(model, points);

    double compute = RunFigures.median(points.stream().filter(p -> p.workers() == 1).mapToDouble(Point::compute)
        .toArray());
    double masterPerWorker = RunFigures.median(points.stream()
        .filter(p -> p.allreduce() == Allreduce.MASTER && p.workers() > 1)
        .mapToDouble(p -> p.master() / p.workers()).toArray());
    String fastest = links.values().stream().filter(r -> model.beta().containsKey(r[0]))
        .filter(r -> !model.beta().get(r[0]).isNaN())
        .max((a, b) -> Double.compare(Double.parseDouble(a[2]), Double.parseDouble(b[2])))
        .map(r -> r[0]).orElseThrow(() -> new IllegalArgumentException("links.tsv names none of the measured links"));
    double wireFastest = 8 / Double.parseDouble(links.get(fastest)[2]);
    double softwareBeta = Math.max(0, model.beta(fastest) - wireFastest);
    double kernelAlpha = RunFigures.median(links.values().stream().mapToDouble(r -> Double.parseDouble(r[4]) / 2e3)
        .toArray());
    Projection.Inputs inputs = new Projection.Inputs(compute, masterPerWorker, softwareBeta, kernelAlpha);
    List<Projection> projections = Projection.table(model, inputs, NETWORKS, NETWORK_GBITS, PROJECTED);

    RunRecord record = new RunRecord("scaling");
    record.put("what", "sync SGD step time on network-namespace hosts with tc-shaped links, master and ring"
        + " allreduce; a cost model fitted to it; projections to more workers on 10 and 25 GbE");
    record.put("machine", machine);
    record.put("links", linkRows(links, model));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", modelText);
    m.put("parameters", spec.parameterCount());
    m.put("gradient_bytes", layout.bytes());
    m.put("tensors_early", layout.early());
    m.put("tensors_late", layout.late());
    m.put("batch_per_worker", batch);
    m.put("overlap_window_share_of_compute", round(window, 4));
    m.put("overlap_window_source", windowSource);
    record.put("model", m);
    record.put("fit", fitFields(model, links, errors, softwareBeta, fastest));
    record.put("measured", measuredRows(figures, model, layout, errors));
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("one_worker_compute_ms", round(compute * 1e3, 4));
    base.put("one_worker_step_ms_model", round((compute + 2 * model.alpha()) * 1e3, 4));
    base.put("master_work_per_worker_ms", round(masterPerWorker * 1e3, 4));
    base.put("alpha_us", round(model.alpha() * 1e6, 2));
    base.put("alpha_source", "fitted here (per message: kernel TCP over veth plus the JVM's own work on both ends);"
        + " a real NIC and switch add their latency on top, so these projections are, if anything, optimistic");
    base.put("kernel_alpha_us", round(kernelAlpha * 1e6, 2));
    base.put("kernel_alpha_source", "half the median ping RTT between worker namespaces: the kernel's share of α,"
        + " the floor a leaner transport on unshared cores would approach");
    base.put("software_beta_ns_per_byte", round(softwareBeta * 1e9, 4));
    base.put("goodput_per_wire_byte", round(Projection.GOODPUT, 4));
    record.put("projection_inputs", base);
    record.put("projections", projections.stream().map(ScalingReport::projectionRow).toList());
    Map<String, Object> target = targetCheck(model, inputs, layout, spec, batch);
    record.put("target", target);
    Path png = ScalingPlot.save(figures, model, projections.stream().filter(p -> p.workers() > 1).toList(), TARGET,
        plot);
    record.put("plot", png.toString());
    Path file = record.write(runs);

    printMeasured(figures, model, layout, errors, links);
    printFit(model, links, window, errors, softwareBeta, fastest, compute);
    printProjections(projections);
    System.out.println();
    System.out.println(target.get("summary"));
    System.out.println();
    System.out.println("wrote " + file + " and " + png);
    return file;
  }

  private List<String[]> tsv(String name, int columns) {
    Path file = dir.resolve(name);
    try {
      List<String[]> rows = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        if (cells.length < columns) {
          throw new IllegalArgumentException(file + ": line '" + line + "' has " + cells.length + " tab-separated"
              + " cells, not " + columns);
        }
        rows.add(cells);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + "; is " + dir + " a folder scripts/bench-scaling"
          + " measured into?", e);
    }
  }

  private static List<Map<String, Object>> linkRows(Map<String, String[]> links, CostModel model) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String[] r : links.values()) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("name", r[0]);
      l.put("tc_rate", r[1]);
      l.put("iperf3_gbit_s", round(Double.parseDouble(r[2]) / 1e9, 3));
      l.put("ping_rtt_master_worker_us", round(Double.parseDouble(r[3]) * 1e3, 1));
      l.put("ping_rtt_worker_worker_us", round(Double.parseDouble(r[4]) * 1e3, 1));
      Double b = model.beta().get(r[0]);
      if (b != null && !b.isNaN()) {
        l.put("beta_ns_per_byte", round(b * 1e9, 4));
        l.put("beta_as_gbit_s", round(8 / b / 1e9, 3));
      }
      out.add(l);
    }
    return out;
  }

  private static Map<String, Object> fitFields(CostModel model, Map<String, String[]> links, double[] errors,
      double softwareBeta, String fastest) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("alpha_us", round(model.alpha() * 1e6, 2));
    Map<String, Object> betas = new LinkedHashMap<>();
    model.beta().forEach((k, v) -> betas.put(k, v.isNaN() ? "no points" : round(v * 1e9, 4)));
    f.put("beta_ns_per_byte", betas);
    f.put("software_beta_ns_per_byte", round(softwareBeta * 1e9, 4));
    f.put("software_beta_from", "beta of " + fastest + " minus 8 / its iperf3 rate");
    f.put("mean_abs_error_pct", round(100 * java.util.Arrays.stream(errors).map(Math::abs).average().orElse(0), 1));
    f.put("max_abs_error_pct", round(100 * java.util.Arrays.stream(errors).map(Math::abs).max().orElse(0), 1));
    f.put("weights", "least squares on relative error");
    return f;
  }

  private static List<Map<String, Object>> measuredRows(List<RunFigures> figures, CostModel model,
      GradientLayout layout, double[] errors) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < figures.size(); i++) {
      RunFigures f = figures.get(i);
      Point p = f.point();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("link", p.link());
      r.put("workers", p.workers());
      r.put("allreduce", p.allreduce().toString());
      r.put("step_ms", round(p.step() * 1e3, 3));
      r.put("compute_ms", round(p.compute() * 1e3, 3));
      r.put("communication_ms", round(f.communication() * 1e3, 3));
      r.put("master_ms", round(p.master() * 1e3, 3));
      r.put("bytes_per_worker_step", Math.round(f.bytesPerWorkerStep()));
      r.put("model_bytes_per_worker_step", Math.round(CostModel.bytesPerWorker(layout, p.allreduce(), p.workers())));
      r.put("samples_per_second", Math.round(f.samplesPerSecond()));
      r.put("predicted_step_ms", round(model.predict(p) * 1e3, 3));
      r.put("error_pct", round(errors[i] * 100, 1));
      r.put("epochs_in_median", f.epochs());
      r.put("steps_per_epoch", f.stepsPerEpoch());
      r.put("record", f.record().toString());
      out.add(r);
    }
    return out;
  }

  private static Map<String, Object> projectionRow(Projection p) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("network", p.network());
    r.put("allreduce", p.allreduce().toString());
    r.put("workers", p.workers());
    r.put("step_ms", round(p.step() * 1e3, 3));
    r.put("efficiency", round(p.efficiency(), 3));
    r.put("step_ms_at_kernel_alpha", round(p.stepAtKernelLatency() * 1e3, 3));
    r.put("efficiency_at_kernel_alpha", round(p.efficiencyAtKernelLatency(), 3));
    return r;
  }

  /** Ring at N = 16 on 10 GbE against the target, and what would reach it. */
  private static Map<String, Object> targetCheck(CostModel model, Projection.Inputs in, GradientLayout layout,
      ModelSpec spec, int batch) {
    double gbits = NETWORK_GBITS.get(0);
    Projection p = Projection.of(model, in, NETWORKS.get(0), gbits, Allreduce.RING, TARGET_WORKERS);
    CostModel bf16 = new CostModel(layout.withBytesPerValue(2), model.windowShare(), model.alpha(), model.beta());
    // before buckets, every tensor was an allreduce of its own
    CostModel perTensor = new CostModel(GradientLayout.perTensor(spec, 4), model.windowShare(), model.alpha(),
        model.beta());
    CostModel noLatency = new CostModel(layout, model.windowShare(), 0, model.beta());
    double e16 = Projection.of(bf16, in, "", gbits, Allreduce.RING, TARGET_WORKERS).efficiency();
    double ePerTensor = Projection.of(perTensor, in, "", gbits, Allreduce.RING, TARGET_WORKERS).efficiency();
    double eNoLatency = Projection.of(noLatency, in, "", gbits, Allreduce.RING, TARGET_WORKERS).efficiency();
    int batchNeeded = Projection.batchFor(TARGET, model, in, batch, gbits, TARGET_WORKERS);
    // the transport at its floor: the kernel's latency, the wire's per-byte time, all tensors in one bucket
    GradientLayout oneBucket = new GradientLayout(new long[0], new long[] {layout.values()}, 4);
    CostModel floor = new CostModel(oneBucket, model.windowShare(), in.kernelAlpha(), model.beta());
    Projection.Inputs wireOnly = new Projection.Inputs(in.compute(), in.masterPerWorker(), 0, in.kernelAlpha());
    double eFloor = Projection.of(floor, wireOnly, "", gbits, Allreduce.RING, TARGET_WORKERS).efficiency();
    int batchFloor = Projection.batchFor(TARGET, floor, wireOnly, batch, gbits, TARGET_WORKERS);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("statement", "ring allreduce scaling efficiency >= 90 % at N = 16 on 10 GbE for this model");
    t.put("efficiency", round(p.efficiency(), 3));
    t.put("met", p.efficiency() >= TARGET);
    t.put("shortfall_points", round(Math.max(0, TARGET - p.efficiency()) * 100, 1));
    t.put("efficiency_at_kernel_alpha", round(p.efficiencyAtKernelLatency(), 3));
    t.put("efficiency_bf16", round(e16, 3));
    t.put("efficiency_one_allreduce_per_tensor", round(ePerTensor, 3));
    t.put("efficiency_without_latency", round(eNoLatency, 3));
    t.put("batch_per_worker_needed", batchNeeded);
    t.put("efficiency_transport_at_floor", round(eFloor, 3));
    t.put("transport_at_floor", "alpha = ping RTT/2, beta = the 10 GbE wire's alone, all tensors in one bucket");
    t.put("batch_per_worker_needed_transport_at_floor", batchFloor);
    double step = p.step();
    double compute = in.compute();
    t.put("summary", String.format(Locale.ROOT, "Target: ring efficiency >= 90 %% at N = 16 on 10 GbE: %s (%.0f %%;"
            + " step %.2f ms of which compute %.2f ms). With alpha at the kernel's latency (ping RTT/2) %.0f %%, with"
            + " bf16 gradients %.0f %%, with one allreduce per tensor (no buckets) %.0f %%, with no per-message latency at all"
            + " %.0f %%; 90 %% needs %s rows per worker per step. A transport at its floor (alpha = ping RTT/2, the"
            + " wire's per-byte time alone, one bucket) would reach %.0f %%, and 90 %% at %s rows per worker.",
        p.efficiency() >= TARGET ? "met" : String.format(Locale.ROOT, "missed by %.0f points",
            (TARGET - p.efficiency()) * 100), p.efficiency() * 100, step * 1e3, compute * 1e3,
        p.efficiencyAtKernelLatency() * 100, e16 * 100, ePerTensor * 100, eNoLatency * 100,
        batchNeeded < 0 ? "more than a million" : "about " + batchNeeded, eFloor * 100,
        batchFloor < 0 ? "more than a million" : "about " + batchFloor));
    return t;
  }

  private static void printMeasured(List<RunFigures> figures, CostModel model, GradientLayout layout, double[] errors,
      Map<String, String[]> links) {
    System.out.println("Measured on namespace hosts (medians per step) beside the model's prediction:");
    System.out.printf(Locale.ROOT, "%-8s %9s %3s %-9s %8s %8s %8s %8s %13s %13s %10s %9s %7s%n", "link", "iperf3",
        "N", "allreduce", "step ms", "compute", "comm", "master", "bytes/wkr/st", "model bytes", "samples/s",
        "model ms", "error");
    for (int i = 0; i < figures.size(); i++) {
      RunFigures f = figures.get(i);
      Point p = f.point();
      String[] link = links.get(p.link());
      String rate = link == null ? "?" : String.format(Locale.ROOT, "%.2f Gb/s", Double.parseDouble(link[2]) / 1e9);
      System.out.printf(Locale.ROOT, "%-8s %9s %3d %-9s %8.2f %8.2f %8.2f %8.2f %,13d %,13d %,10d %9.2f %+6.0f%%%n",
          p.link(), rate, p.workers(), p.allreduce(), p.step() * 1e3, p.compute() * 1e3, f.communication() * 1e3,
          p.master() * 1e3, Math.round(f.bytesPerWorkerStep()),
          Math.round(CostModel.bytesPerWorker(layout, p.allreduce(), p.workers())), Math.round(f.samplesPerSecond()),
          model.predict(p) * 1e3, errors[i] * 100);
    }
  }

  private static void printFit(CostModel model, Map<String, String[]> links, double window, double[] errors,
      double softwareBeta, String fastest, double compute) {
    System.out.println();
    System.out.printf(Locale.ROOT, "Fit: alpha = %.1f us per message; overlap window w = %.2f of compute; one worker's"
        + " compute c1 = %.3f ms%n", model.alpha() * 1e6, window, compute * 1e3);
    for (String[] r : links.values()) {
      Double b = model.beta().get(r[0]);
      System.out.printf(Locale.ROOT, "     %-8s beta = %s; iperf3 %.2f Gbit/s (%.3f ns/B); ping RTT master-worker %.0f us,"
              + " worker-worker %.0f us%n", r[0], b == null || b.isNaN() ? "(no points)"
              : String.format(Locale.ROOT, "%.3f ns/B (%.2f Gbit/s)", b * 1e9, 8 / b / 1e9),
          Double.parseDouble(r[2]) / 1e9, 8 / Double.parseDouble(r[2]) * 1e9, Double.parseDouble(r[3]) * 1e3,
          Double.parseDouble(r[4]) * 1e3);
    }
    System.out.printf(Locale.ROOT, "     software per-byte time (beta of %s minus its wire time): %.3f ns/B%n", fastest,
        softwareBeta * 1e9);
    System.out.printf(Locale.ROOT, "     model error: mean |error| %.1f %%, largest %.1f %%%n",
        100 * java.util.Arrays.stream(errors).map(Math::abs).average().orElse(0),
        100 * java.util.Arrays.stream(errors).map(Math::abs).max().orElse(0));
  }

  private static void printProjections(List<Projection> projections) {
    System.out.println();
    System.out.println("Projected (one worker's compute, alpha fitted here, wire at 94.1 % goodput plus the software's"
        + " per-byte time):");
    System.out.printf(Locale.ROOT, "%-7s %-9s %5s %10s %11s   %s%n", "network", "allreduce", "N", "step ms",
        "efficiency", "(with alpha = ping RTT/2: step ms, efficiency)");
    for (Projection p : projections) {
      if (p.workers() == 8 || p.workers() == 16 || p.workers() == 64) {
        System.out.printf(Locale.ROOT, "%-7s %-9s %5d %10.2f %10.0f%%   %10.2f %10.0f%%%n", p.network(), p.allreduce(),
            p.workers(), p.step() * 1e3, p.efficiency() * 100, p.stepAtKernelLatency() * 1e3,
            p.efficiencyAtKernelLatency() * 100);
      }
    }
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
