package ddl.train.checkpoint;

import ddl.train.nn.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which checkpoint {@code --resume} continues from: a checkpoint file, the last checkpoint of a run
 * id, or (with no argument) the last checkpoint of the newest run of the same task whose model has
 * the same shape. Says which, and why not when nothing fits.
 */
public final class Resumption {
  /** {@code --resume} without an argument. */
  public static final String LATEST = "latest";

  private Resumption() {}

  /** The checkpoint to continue from; {@code what} is a file, a run id or {@link #LATEST}. */
  public static Path find(String what, Path models, String task, ModelSpec spec) {
    if (!LATEST.equals(what)) {
      Path file = Path.of(what);
      if (Files.isRegularFile(file)) {
        return file;
      }
      if (what.endsWith(".ckpt") || what.contains("/")) {
        throw new IllegalArgumentException("--resume " + what + ": no such checkpoint file");
      }
      return CheckpointFiles.latestOfRun(models, what).orElseThrow(() -> new IllegalArgumentException("--resume "
          + what + ": no checkpoint of run " + what + " in " + models.toAbsolutePath() + "; " + known(models)));
    }
    List<CheckpointFiles.Header> runs = CheckpointFiles.runs(models);
    for (CheckpointFiles.Header run : runs) {
      if (run.task().equals(task) && fits(spec, run)) {
        System.out.println("--resume: continuing run " + run.runId() + ", the newest " + task + " run with model "
            + spec + " in " + models + " (" + run.epochsDone() + " epochs done)");
        return run.file();
      }
    }
    throw new IllegalArgumentException("--resume: no " + task + " run with model " + spec + " in "
        + models.toAbsolutePath() + "; " + known(models) + ". Pass --resume RUN_ID or --resume FILE (and --model to"
        + " match it), or run without --resume");
  }

  /**
   * The settings this resumed run uses that differ from those its checkpoint was trained with
   * (the epoch count aside), each as {@code {"checkpoint": old, "now": new}}; printed as well.
   */
  public static Map<String, Map<String, String>> changedSettings(Checkpoint c, Map<String, String> now) {
    Map<String, Map<String, String>> changed = new LinkedHashMap<>();
    now.forEach((key, value) -> {
      String before = c.settings().get(key);
      if (before != null && !before.equals(value) && !key.equals("epochs")) {
        changed.put(key, Map.of("checkpoint", before, "now", value));
      }
    });
    if (!changed.isEmpty()) {
      System.out.println("--resume: this run uses settings other than the checkpoint's: " + changed.entrySet().stream()
          .map(e -> e.getKey() + " " + e.getValue().get("now") + " (was " + e.getValue().get("checkpoint") + ")")
          .reduce((a, b) -> a + ", " + b).orElse("") + "; the run record lists them under settings_changed_on_resume");
    }
    return changed;
  }

  private static boolean fits(ModelSpec spec, CheckpointFiles.Header run) {
    try {
      spec.requireLayout(run.names(), run.shapes());
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The runs in {@code models} with their task and model, for a message. */
  private static String known(Path models) {
    Map<String, String> runs = new TreeMap<>();
    for (CheckpointFiles.Header h : CheckpointFiles.runs(models)) {
      runs.put(h.runId(), h.task() + ", " + h.settings().getOrDefault(ModelSpec.SETTING, "model not recorded") + ", "
          + h.epochsDone() + " epochs");
    }
    return runs.isEmpty() ? "there are no checkpoints there" : "runs there: " + runs.entrySet().stream()
        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining("; "));
  }
}
