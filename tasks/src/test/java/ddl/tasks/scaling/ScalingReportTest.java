package ddl.tasks.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import ddl.train.nn.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report reads run records as the training task writes them, takes medians over the epochs after
 * the first, fits, and writes the scaling record and the plot; from records made with a known model.
 */
class ScalingReportTest {
  private static final String MODEL = "784:dense256-relu-dense128-relu-dense10";
  private static final int STEPS = 30;

  @TempDir
  Path dir;

  @Test
  void fitsRecordsMadeWithAKnownModel() throws Exception {
    // the ring's own layout: the MLP's gradient fits one bucket, one allreduce after backward
    GradientLayout layout = GradientLayout.bucketed(ModelSpec.parse(MODEL), 4, ddl.train.driver.GradientBuckets.CAP);
    CostModel truth = new CostModel(layout, 0.2, 150e-6, Map.of("1gbit", 9.0e-9, "10gbit", 2.5e-9));
    StringBuilder points = new StringBuilder("# link\tworkers\tallreduce\trecord\n");
    for (String link : List.of("1gbit", "10gbit")) {
      for (int n = 1; n <= 4; n++) {
        for (Allreduce a : Allreduce.values()) {
          double c = 2e-3 * (1 + 0.5 * (n - 1));
          double m = a == Allreduce.MASTER ? 0.2e-3 * n : 0;
          double step = truth.predict(new Point(link, n, a, 0, c, m));
          String name = link + "-" + n + "-" + a + ".json";
          writeRecord(dir.resolve(name), n, a, step, c, m);
          points.append(link).append('\t').append(n).append('\t').append(a).append('\t').append(name).append('\n');
        }
      }
    }
    Files.writeString(dir.resolve("points.tsv"), points);
    Files.writeString(dir.resolve("links.tsv"), "1gbit\t1gbit\t940000000\t0.10\t0.09\n"
        + "10gbit\t10gbit\t3600000000\t0.09\t0.08\n");
    Files.writeString(dir.resolve("machine.tsv"), "batch\t64\ncores\t2\n");

    Path file = ScalingReport.report(new String[] {"--dir", dir.toString(), "--runs", dir.resolve("runs").toString(),
        "--plot", dir.resolve("scaling.png").toString(), "--window-share", "0.2"});

    assertTrue(Files.size(dir.resolve("scaling.png")) > 10_000, "the plot is written");
    @SuppressWarnings("unchecked")
    Map<String, Object> r = new Gson().fromJson(Files.readString(file), Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> fit = (Map<String, Object>) r.get("fit");
    assertEquals(150.0, (Double) fit.get("alpha_us"), 0.5);
    assertEquals(0.0, (Double) fit.get("max_abs_error_pct"), 0.2);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> measured = (List<Map<String, Object>>) r.get("measured");
    assertEquals(16, measured.size());
    @SuppressWarnings("unchecked")
    Map<String, Object> target = (Map<String, Object>) r.get("target");
    assertTrue(target.get("summary").toString().startsWith("Target: ring efficiency"), target.toString());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> projections = (List<Map<String, Object>>) r.get("projections");
    assertTrue(projections.stream().anyMatch(p -> p.get("network").equals("25GbE")
        && ((Double) p.get("workers")).intValue() == 64));
  }

  @Test
  void helpPrintsAndReturnsNothing() {
    assertNull(ScalingReport.report(new String[] {"--help"}));
  }

  /** A record like TrainingRun's: the first epoch slower (warm-up), the rest at the given medians. */
  private static void writeRecord(Path file, int n, Allreduce a, double step, double compute, double master)
      throws Exception {
    List<Map<String, Object>> epochs = new ArrayList<>();
    for (int e = 1; e <= 4; e++) {
      double s = (e == 1 ? 3 : 1) * step;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", e);
      m.put("step_seconds", s * STEPS);
      m.put("compute_share", compute / s);
      m.put("master_share", master / s);
      m.put("communication_share", 1 - (compute + master) / s);
      epochs.add(m);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("task", "sync-sgd");
    r.put("workers", n);
    r.put("allreduce", a.toString());
    r.put("model", MODEL);
    r.put("steps_per_epoch", STEPS);
    r.put("samples_per_second", Math.round(n * 64 / step));
    r.put("bytes_per_worker_step", 1_000_000);
    r.put("epoch_details", epochs);
    Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(r));
  }
}
