package ddl.master.dashboard;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** One line about the newest run of a run folder, for {@code scripts/status}. */
public final class RunStatus {
  private RunStatus() {}

  /**
   * The newest run's progress ("running: epoch 2/3, step 400/938 ..."), or what became of it;
   * empty when the folder holds no event log.
   */
  public static Optional<String> newest(Path runDir) {
    RunWatch watch = new RunWatch(runDir, null);
    try {
      watch.poll((points, run) -> { });
    } catch (IOException e) {
      return Optional.of("cannot read " + runDir + ": " + e.getMessage());
    }
    RunState run = watch.current();
    return run == null ? Optional.empty() : Optional.of(describe(run.summary()));
  }

  static String describe(JsonObject r) {
    String head = "run " + r.getString("id") + " (" + r.getString("task", "?") + ")";
    String where = String.format(Locale.ROOT, "epoch %d/%d, step %,d/%,d", r.getInteger("epoch", 0),
        r.getInteger("epochs", 0), r.getInteger("step", 0), r.getInteger("steps_per_epoch", 0));
    String figures = (r.getDouble("loss") == null ? "" : String.format(Locale.ROOT, ", loss %.4f", r.getDouble("loss")))
        + (r.getDouble("test_accuracy") == null ? ""
            : String.format(Locale.ROOT, ", test accuracy %.4f", r.getDouble("test_accuracy")));
    return switch (r.getString("status")) {
      case "running" -> {
        Double eta = r.getDouble("eta_seconds");
        Long rate = r.getLong("samples_per_second");
        yield head + " running: " + where + figures
            + (rate == null || rate == 0 ? "" : String.format(Locale.ROOT, ", %,d samples/s", rate))
            + (eta == null ? "" : String.format(Locale.ROOT, ", about %.0f s left", eta))
            + (r.getInteger("live_workers") == null ? "" : ", workers taking part: " + r.getInteger("live_workers"));
      }
      case "finished" -> head + " finished: " + where + figures;
      default -> head + " " + r.getString("status") + " at " + where + figures
          + (r.getString("error") == null ? "" : " (" + r.getString("error") + ")");
    };
  }
}
