package ddl.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.train.RunRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** scripts/bench's medians and its table's target checks, on figures made up for the test. */
class BenchTableTest {
  @Test
  void mediansAreTakenFieldByFieldAndNumbersKeepTheirKind() {
    Map<String, Object> a = Map.of("calls", 100L, "p50", 20.0, "bulk", Map.of("gb", 1.0), "name", "x");
    Map<String, Object> b = Map.of("calls", 300L, "p50", 40.0, "bulk", Map.of("gb", 3.0), "name", "y");
    Map<String, Object> c = Map.of("calls", 200L, "p50", 10.0, "bulk", Map.of("gb", 2.0), "name", "z");
    Map<String, Object> m = TaskBench.Medians.ofFields(List.of(a, b, c));
    assertEquals(200L, m.get("calls"));
    assertEquals(20.0, m.get("p50"));
    assertEquals(2.0, ((Map<?, ?>) m.get("bulk")).get("gb"));
    assertEquals(null, ((Map<?, ?>) m.get("bulk")).get("runs"), "only the top level counts the runs");
    assertEquals("x", m.get("name"));
    assertEquals(3, m.get("runs"));
    assertEquals(2.5, TaskBench.Medians.of(List.of(4, 1, 3, 2)));
  }

  @Test
  void bulkIsComparedWithIperfAsBytesMovedAndTargetsAreMarked() {
    RunRecord record = new RunRecord("bench");
    record.put("iperf3_gb_per_s", 2.0);
    Map<String, Object> bulk = new LinkedHashMap<>();
    bulk.put("1MiB", Map.of("median_ms", 2.0, "gb_per_s", 0.25)); // 0.5 GB/s moved = 25% of iperf3
    bulk.put("64MiB", Map.of("median_ms", 100.0, "gb_per_s", 0.6)); // 1.2 GB/s moved = 60%
    record.put("ping", Map.of("seq_p50_us", 25.0, "seq_p99_us", 80.0, "seq_await_p50_us", 40.0,
        "pipelined_calls_per_s", 400_000L, "pipelined_invokes_per_s", 100_000L, "bulk", bulk));
    record.put("sync_sgd", Map.of("1 worker, ring, fp32", sgd(8_000, 0.0), "2 workers, ring, fp32", sgd(16_000, 0.25)));
    Map<String, String> rows = BenchTable.rows(record);
    assertTrue(rows.get("bulk float[] 1MiB round trip").contains("= 25% of iperf3  [misses >= 30%]"),
        rows.toString());
    assertTrue(rows.get("bulk float[] 64MiB round trip").contains("= 60% of iperf3  [meets >= 50%]"), rows.toString());
    assertTrue(rows.get("sequential round trip p50 / p99").contains("[meets"), rows.toString());
    assertTrue(rows.get("pipelined pings, one connection").contains("[misses"), rows.toString());
    assertTrue(rows.get("sync SGD 2 workers, ring, fp32").contains("[meets"), rows.toString());
    assertEquals("2.00x", rows.get("2 workers vs 1 (ring, fp32)"));
  }

  private static Map<String, Object> sgd(long rate, double comm) {
    return Map.of("samples_per_second", rate, "communication_share", comm, "bytes_per_worker_step", 1000L,
        "test_accuracy", 0.8);
  }

  /** Two benches started in the same second: the second gets its own record and its own folder of runs. */
  @Test
  void aSecondBenchInTheSameSecondWritesOverNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path runs)
      throws Exception {
    java.time.Instant now = java.time.Instant.parse("2026-12-03T08:00:00Z");
    RunRecord first = new RunRecord("bench", List.of(runs), now);
    java.nio.file.Files.createDirectories(runs.resolve(first.id() + ".runs")); // its runs, made before its record
    RunRecord second = new RunRecord("bench", List.of(runs), now);
    assertTrue(!first.id().equals(second.id()), first.id() + " twice");
    assertEquals(first.id() + "-2", second.id());
  }
}
