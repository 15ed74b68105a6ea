package ddl.tasks;

import ddl.train.RunRecord;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The rows {@code scripts/bench} prints, from its run record, each checked against its target.
 * Bulk bandwidth compares bytes moved per second (twice the payload, there and back, per round
 * trip) with the bytes per second iperf3 moves one way over loopback.
 */
final class BenchTable {
  private BenchTable() {}

  @SuppressWarnings("unchecked")
  static Map<String, String> rows(RunRecord record) {
    Map<String, Object> f = record.fields();
    Map<String, String> rows = new LinkedHashMap<>();
    Double iperf = f.get("iperf3_gb_per_s") instanceof Number n ? n.doubleValue() : null;
    if (iperf != null) {
      rows.put("iperf3 loopback, one stream", String.format(Locale.ROOT, "%.2f GB/s", iperf));
    }
    if (f.get("ping") instanceof Map<?, ?> p) {
      Map<String, Object> ping = (Map<String, Object>) p;
      double p50 = num(ping, "seq_p50_us");
      rows.put("sequential round trip p50 / p99", String.format(Locale.ROOT, "%.1f / %.1f us  %s", p50,
          num(ping, "seq_p99_us"), check(p50 <= 30, "p50 <= 30 us")));
      rows.put("sequential with await() p50", String.format(Locale.ROOT, "%.1f us", num(ping, "seq_await_p50_us")));
      double pipelined = num(ping, "pipelined_calls_per_s");
      rows.put("pipelined pings, one connection", String.format(Locale.ROOT, "%,.0f calls/s  %s", pipelined,
          check(pipelined >= 500_000, ">= 500,000/s")));
      rows.put("pipelined lambda calls", String.format(Locale.ROOT, "%,.0f calls/s", num(ping, "pipelined_invokes_per_s")));
      Map<String, Object> bulk = (Map<String, Object>) ping.get("bulk");
      bulk.forEach((size, v) -> {
        if (!(v instanceof Map)) {
          return;
        }
        Map<String, Object> b = (Map<String, Object>) v;
        double moved = 2 * num(b, "gb_per_s"); // gb_per_s is payload / round trip
        String row = String.format(Locale.ROOT, "%.2f ms, %.2f GB/s moved", num(b, "median_ms"), moved);
        if (iperf != null) {
          double share = moved / iperf;
          double target = size.equals("1MiB") ? 0.30 : 0.50;
          row += String.format(Locale.ROOT, " = %.0f%% of iperf3  %s", 100 * share,
              check(share >= target, ">= " + Math.round(target * 100) + "%"));
        }
        rows.put("bulk float[] " + size + " round trip", row);
      });
    }
    if (f.get("sync_sgd") instanceof Map<?, ?> s) {
      Map<String, Object> sgd = (Map<String, Object>) s;
      sgd.forEach((label, v) -> {
        if (!(v instanceof Map)) {
          return;
        }
        Map<String, Object> m = (Map<String, Object>) v;
        double rate = num(m, "samples_per_second");
        double comm = num(m, "communication_share");
        String row = String.format(Locale.ROOT, "%,7.0f samples/s, communication %2.0f%%, %,d bytes/worker/step",
            rate, 100 * comm, (long) num(m, "bytes_per_worker_step"));
        if (label.equals("2 workers, ring, fp32")) {
          row += "  " + check(rate >= 15_000 && comm <= 0.30, ">= 15,000/s, <= 30%");
        }
        rows.put("sync SGD " + label, row);
      });
      Object one = sgd.get("1 worker, ring, fp32");
      Object two = sgd.get("2 workers, ring, fp32");
      if (one instanceof Map<?, ?> a && two instanceof Map<?, ?> b) {
        rows.put("2 workers vs 1 (ring, fp32)", String.format(Locale.ROOT, "%.2fx",
            num((Map<String, Object>) b, "samples_per_second") / num((Map<String, Object>) a, "samples_per_second")));
      }
    }
    if (f.get("accuracy") instanceof Map<?, ?> acc) {
      ((Map<String, Object>) acc).forEach((label, v) -> {
        if (!(v instanceof Map)) {
          return;
        }
        double a = num((Map<String, Object>) v, "test_accuracy");
        rows.put("test accuracy after 10 epochs, " + label, String.format(Locale.ROOT, "%.4f  %s", a,
            check(a >= 0.88, ">= 0.88")));
      });
    }
    return rows;
  }

  private static double num(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static String check(boolean met, String target) {
    return (met ? "[meets " : "[misses ") + target + "]";
  }
}
