package ddl.tasks;

import com.google.gson.JsonParser;
import ddl.master.Cluster;
import ddl.train.RunRecord;
import ddl.train.TrainingResult;
import ddl.train.driver.EpochStats;
import ddl.transport.cli.Range;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench}: the transport and training figures of this machine in one table, each
 * the median of {@code --reps} runs made side by side: iperf3's loopback bandwidth, the ping
 * task's latency, pipelined and bulk figures (bulk as a fraction of iperf3), and sync SGD on 1
 * and 2 workers through the master and in a ring, fp32 and bf16 gradients.
 */
public final class TaskBench {
  static final String NAME = "bench";

  private TaskBench() {}

  /** The flags of {@code scripts/bench}. */
  @Command(description = {"Measures the transport and sync SGD on the running workers (scripts/start 2 first) and"
      + " prints one table of medians; writes runs/<UTC>-bench.json, and the runs it made under runs/<UTC>-bench.runs/."})
  static final class Flags {
    @Mixin
    TaskOptions task;
    @Option(names = "--reps", paramLabel = "N", description = "runs of each measurement; the table shows medians"
        + " (default ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100)
    int reps = 3;
    @Option(names = "--epochs", paramLabel = "N", description = "epochs of each sync SGD run; the figures are the last"
        + " epoch's, after warm-up (default ${DEFAULT-VALUE})")
    @Range(min = 2, max = 100)
    int epochs = 2;
    @Option(names = "--train-rows", paramLabel = "N", description = "training rows of each sync SGD run"
        + " (default: all)")
    @Range(min = 1_000, max = 100_000_000)
    Integer trainRows;
    @Option(names = "--accuracy", description = "also train 10 epochs on 2 workers (ring, fp32 and bf16) on all the"
        + " training rows and report the test accuracy")
    boolean accuracy;
    @Option(names = "--iperf3", paramLabel = "PATH", description = "the iperf3 binary (default ${DEFAULT-VALUE};"
        + " scripts/bench installs it when missing)")
    String iperf3 = "iperf3";
    @Option(names = "--only", paramLabel = "PART", split = ",", description = "measure only these parts:"
        + " iperf3, ping, sgd (default: all)")
    List<String> only = List.of("iperf3", "ping", "sgd");
    @Option(names = "--report", paramLabel = "FILE", description = "print the table of an earlier bench record"
        + " (runs/<UTC>-bench.json) instead of measuring")
    Path report;
  }

  /** One sync SGD configuration. */
  record SgdCase(int workers, String allreduce, String gradDtype) {
    String label() {
      return workers + " worker" + (workers == 1 ? "" : "s") + ", " + allreduce + ", " + gradDtype;
    }
  }

  static final List<SgdCase> CASES = List.of(new SgdCase(1, "master", "fp32"), new SgdCase(1, "ring", "fp32"),
      new SgdCase(2, "master", "fp32"), new SgdCase(2, "ring", "fp32"), new SgdCase(2, "ring", "bf16"),
      new SgdCase(2, "master", "bf16"));

  public static void main(String[] args) {
    TaskMain.run(() -> run(args));
  }

  static void run(String[] args) {
    Flags flags = TaskOptions.parse(NAME, new Flags(), args);
    if (flags == null) {
      return;
    }
    if (flags.report != null) {
      RunRecord earlier = new RunRecord(NAME);
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = new com.google.gson.Gson().fromJson(Files.readString(flags.report), Map.class);
        fields.forEach(earlier::put);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + flags.report + ": " + e.getMessage(), e);
      }
      RunRecord.printTable("bench results (" + flags.report + "):", BenchTable.rows(earlier));
      return;
    }
    for (String part : flags.only) {
      if (!List.of("iperf3", "ping", "sgd").contains(part)) {
        throw new ddl.transport.cli.UsageException("scripts/bench", "--only takes iperf3, ping or sgd, not '" + part
            + "'");
      }
    }
    // An id no other run in runs/ has (a second bench started in the same second gets "-2").
    RunRecord record = new RunRecord(NAME, List.of(Path.of("runs")));
    record.put("parameters", flags.task.values());
    record.put("machine", machine());
    Path subRuns = Path.of("runs", record.id() + ".runs");

    if (flags.only.contains("iperf3")) {
      System.out.println("== iperf3 over loopback, " + flags.reps + " runs");
      List<Double> gbps = new ArrayList<>();
      for (int r = 0; r < flags.reps; r++) {
        gbps.add(Iperf3.loopbackGigabytesPerSecond(flags.iperf3, 3));
        System.out.printf(Locale.ROOT, "   %.2f GB/s%n", gbps.get(r));
      }
      record.put("iperf3_gb_per_s", round2(Medians.of(gbps)));
    }
    if (flags.only.contains("ping")) {
      record.put("ping", ping(flags));
    }
    if (flags.only.contains("sgd")) {
      record.put("sync_sgd", syncSgd(flags, subRuns));
      if (flags.accuracy) {
        record.put("accuracy", accuracy(flags, subRuns));
      }
    }
    Path file = record.write(Path.of("runs"));
    RunRecord.printTable("bench results, medians of " + flags.reps + " (" + file + "):", BenchTable.rows(record));
  }

  private static Map<String, Object> ping(Flags flags) {
    System.out.println("== ping against worker 0, " + flags.reps + " runs");
    List<Map<String, Object>> runs = new ArrayList<>();
    try (Cluster cluster = flags.task.connect()) {
      for (int r = 0; r < flags.reps; r++) {
        Map<String, Object> m = TaskPing.measure(cluster.worker(0), 20_000, 300_000, 4096, 7);
        System.out.println("   " + m);
        runs.add(m);
      }
    }
    return Medians.ofFields(runs);
  }

  private static Map<String, Object> syncSgd(Flags flags, Path subRuns) {
    Map<String, Object> byCase = new LinkedHashMap<>();
    for (SgdCase c : CASES) {
      List<Map<String, Object>> runs = new ArrayList<>();
      for (int r = 0; r < flags.reps; r++) {
        System.out.println("== sync SGD, " + c.label() + ", run " + (r + 1) + " of " + flags.reps);
        runs.add(syncRun(flags, c, flags.epochs, flags.trainRows, subRuns));
      }
      byCase.put(c.label(), Medians.ofFields(runs));
    }
    return byCase;
  }

  private static Map<String, Object> accuracy(Flags flags, Path subRuns) {
    Map<String, Object> byCase = new LinkedHashMap<>();
    for (String dtype : List.of("fp32", "bf16")) {
      SgdCase c = new SgdCase(2, "ring", dtype);
      System.out.println("== accuracy: 10 epochs, " + c.label());
      byCase.put(c.label(), syncRun(flags, c, 10, null, subRuns)); // all the training rows
    }
    return byCase;
  }

  /** One sync SGD run; its last epoch's figures. */
  private static Map<String, Object> syncRun(Flags flags, SgdCase c, int epochs, Integer trainRows, Path subRuns) {
    List<String> args = new ArrayList<>(List.of("--config", flags.task.configFile(),
        "--workers", Integer.toString(c.workers()), "--allreduce", c.allreduce(), "--grad-dtype", c.gradDtype(),
        "--epochs", Integer.toString(epochs), "--batch", "64", "--no-progress",
        "--runs", subRuns.toString(), "--models", subRuns.resolve("models").toString()));
    if (trainRows != null) {
      args.addAll(List.of("--train-rows", trainRows.toString()));
    }
    TrainingResult result = TaskSyncSgd.run(args.toArray(String[]::new));
    EpochStats last = result.history().get(result.history().size() - 1);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("samples_per_second", Math.round(last.samplesPerSecond()));
    m.put("communication_share", round3(last.communicationShare()));
    m.put("compute_share", round3(last.computeShare()));
    m.put("test_accuracy", round3(last.testAccuracy()));
    m.put("bytes_per_worker_step", recordNumber(result.record(), "bytes_per_worker_step"));
    return m;
  }

  private static long recordNumber(Path record, String key) {
    try {
      return JsonParser.parseString(Files.readString(record)).getAsJsonObject().get(key).getAsLong();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + record, e);
    }
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("java", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    try {
      m.put("load_average_at_start", Files.readString(Path.of("/proc/loadavg")).trim());
    } catch (IOException e) {
      m.put("load_average_at_start", "unknown");
    }
    m.put("measured_utc", Instant.now().toString());
    return m;
  }

  static double round2(double x) {
    return Math.round(x * 100) / 100.0;
  }

  static double round3(double x) {
    return Math.round(x * 1000) / 1000.0;
  }

  /** Medians of numbers, and of the numeric fields of several runs' figures. */
  static final class Medians {
    private Medians() {}

    static double of(List<? extends Number> values) {
      double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
      int n = sorted.length;
      return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Field by field: numbers become their median; maps are taken field by field; others the first run's. */
    static Map<String, Object> ofFields(List<Map<String, Object>> runs) {
      Map<String, Object> out = fieldMedians(runs);
      if (runs.size() > 1) {
        out.put("runs", runs.size());
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fieldMedians(List<Map<String, Object>> runs) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (String key : runs.get(0).keySet()) {
        Object first = runs.get(0).get(key);
        if (first instanceof Number) {
          List<Number> values = runs.stream().map(r -> (Number) r.get(key)).toList();
          double median = of(values);
          out.put(key, first instanceof Long || first instanceof Integer ? (Object) Math.round(median) : median);
        } else if (first instanceof Map) {
          out.put(key, fieldMedians(runs.stream().map(r -> (Map<String, Object>) r.get(key)).toList()));
        } else {
          out.put(key, first);
        }
      }
      return out;
    }
  }
}
