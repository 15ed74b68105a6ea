package ddl.tasks;

import ddl.master.Cluster;
import ddl.train.CheckpointEvaluation;
import ddl.train.RunRecord;
import ddl.train.TrainingRun;
import ddl.train.checkpoint.Checkpoint;
import ddl.train.checkpoint.CheckpointFiles;
import ddl.train.checkpoint.SavedModel;
import ddl.train.data.Dataset;
import ddl.train.data.ImageData;
import ddl.train.driver.Evaluation;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.TopK;
import ddl.transport.cli.Range;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/task evaluate}: loads a checkpoint, measures held-out loss and accuracy on the
 * workers (each evaluates a slice of the test set), and prints the top-k predictions with their
 * probabilities for some test images.
 */
public final class TaskEvaluate {
  public static final String NAME = "evaluate";

  private TaskEvaluate() {}

  /** What an evaluation found. */
  public record Result(Evaluation test, List<Prediction> predictions, Path record) {}

  /**
   * One image's predictions.
   *
   * @param index the image's row in the test set
   * @param label its true class
   * @param classes the top-k classes at or above the threshold, most probable first
   * @param probabilities their probabilities
   * @param best the most probable class (even if below the threshold)
   */
  public record Prediction(int index, int label, int[] classes, float[] probabilities, int best) {}

  public static void main(String[] args) {
    TaskMain.main(TaskAsyncSgd.prepend(NAME, args));
  }

  /** The flags of {@code scripts/task evaluate}. */
  @Command(description = "Evaluates a checkpoint on the workers and prints top-k predictions.")
  static final class Flags {
    @Mixin
    TaskOptions task;
    @Option(names = "--checkpoint", paramLabel = "FILE",
        description = "checkpoint to evaluate (default: the newest in --models)")
    Path checkpoint;
    @Option(names = "--models", paramLabel = "DIR", description = "checkpoint folder (default ${DEFAULT-VALUE})")
    Path models = Path.of("models");
    @Option(names = "--data", paramLabel = "DATA", description = ImageData.HELP
        + " (default: the data set the checkpoint was trained on)")
    String data;
    @Option(names = "--model", paramLabel = "SPEC", description = "the model, for a checkpoint that does not name it ("
        + ModelSpec.FORMS + ")")
    String model;
    @Option(names = "--test-rows", paramLabel = "N",
        description = "evaluate on the first N test images only (default all)")
    @Range(min = 0)
    int testRows;
    @Option(names = "--show", paramLabel = "N",
        description = "print predictions for N test images (default ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1_000_000)
    int show = 10;
    @Option(names = "--from", paramLabel = "I", description = "starting at test image I (default ${DEFAULT-VALUE})")
    @Range(min = 0)
    int from;
    @Option(names = "--top-k", paramLabel = "K", description = "classes per image (default ${DEFAULT-VALUE})")
    @Range(min = 1, max = 1_000)
    int k = 3;
    @Option(names = "--threshold", paramLabel = "P",
        description = "list only classes with probability >= P (default ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1)
    double threshold = 0.05;
    @Option(names = "--runs", paramLabel = "DIR", description = "folder for the run record (default ${DEFAULT-VALUE})")
    Path runs = Path.of("runs");
  }

  /** Runs the task; returns null after --help. */
  public static Result run(String[] args) {
    Flags o = TaskOptions.parse(NAME, new Flags(), args);
    if (o == null) {
      return null;
    }
    Path file = CheckpointFiles.givenOrNewest(o.checkpoint, o.models);
    Checkpoint c = CheckpointFiles.load(file);
    ImageData images = ImageData.parse(o.data != null ? o.data : c.setting("data", "fashion-mnist"));
    ModelSpec spec = SavedModel.of(c, o.model, file);
    Dataset test = TrainingRun.loadData(images, 1, o.testRows).test();
    CheckpointEvaluation.requireShowable(test, o.from, o.show, o.k);
    RunRecord record = new RunRecord(NAME);
    try (Cluster cluster = o.task.connect()) {
      CheckpointEvaluation.Outcome outcome = CheckpointEvaluation.run(cluster, c, spec, test, o.from, o.show, o.k);
      Evaluation eval = outcome.test();
      System.out.printf(Locale.ROOT, "checkpoint %s (%s, %d epochs, %s, %s)%n", file, c.task(), c.epochsDone(),
          spec, images.name());
      System.out.printf(Locale.ROOT, "test accuracy %.4f, loss %.4f on %,d images (%d workers, %.2f s)%n",
          eval.accuracy(), eval.meanLoss(), eval.count(), cluster.size(), outcome.seconds());

      List<Prediction> predictions = new ArrayList<>();
      if (outcome.top() != null) {
        TopK top = outcome.top();
        for (int i = 0; i < o.show; i++) {
          predictions.add(filter(o.from + i, test.labels()[o.from + i], top.classes()[i], top.probabilities()[i],
              o.threshold));
        }
        print(images.classNames(), predictions, o.k, o.threshold);
      }
      record.put("checkpoint", file.toString());
      record.put("workers", cluster.size());
      record.put("test_rows", eval.count());
      record.put("test_accuracy", eval.accuracy());
      record.put("test_loss", eval.meanLoss());
      record.put("top_k", o.k);
      record.put("threshold", o.threshold);
      record.put("predictions", predictions.stream().map(p -> Map.of("index", p.index(),
          "label", images.classNames().get(p.label()), "predicted", names(images, p.classes()),
          "probabilities", toList(p.probabilities()))).toList());
      record.put("bytes_sent", cluster.bytesSent());
      record.put("bytes_received", cluster.bytesReceived());
      Path written = record.write(o.runs);
      System.out.println("run record: " + written);
      return new Result(eval, predictions, written);
    }
  }

  private static Prediction filter(int index, int label, int[] classes, float[] probs, double threshold) {
    int keep = 0;
    while (keep < classes.length && probs[keep] >= threshold) {
      keep++;
    }
    return new Prediction(index, label, java.util.Arrays.copyOf(classes, keep), java.util.Arrays.copyOf(probs, keep),
        classes[0]);
  }

  private static void print(List<String> classNames, List<Prediction> predictions, int k, double threshold) {
    System.out.printf(Locale.ROOT, "top-%d predictions with probability >= %.2f:%n", k, threshold);
    System.out.printf(Locale.ROOT, "  %6s  %-12s  %s%n", "image", "true class", "predicted");
    for (Prediction p : predictions) {
      StringBuilder s = new StringBuilder();
      for (int j = 0; j < p.classes().length; j++) {
        s.append(j == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f",
            classNames.get(p.classes()[j]), p.probabilities()[j]));
      }
      if (p.classes().length == 0) {
        s.append("(no class reaches the threshold; most probable: ").append(classNames.get(p.best()))
            .append(')');
      }
      String mark = p.best() == p.label() ? "ok " : "MISS";
      System.out.printf(Locale.ROOT, "  %6d  %-12s  %-4s %s%n", p.index(), classNames.get(p.label()),
          mark, s);
    }
  }

  private static List<String> names(ImageData images, int[] classes) {
    List<String> classNames = images.classNames();
    List<String> out = new ArrayList<>();
    for (int c : classes) {
      out.add(classNames.get(c));
    }
    return out;
  }

  private static List<Float> toList(float[] a) {
    List<Float> out = new ArrayList<>();
    for (float v : a) {
      out.add(v);
    }
    return out;
  }
}
