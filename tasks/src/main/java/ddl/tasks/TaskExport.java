package ddl.tasks;

import ddl.train.checkpoint.Checkpoint;
import ddl.train.checkpoint.CheckpointFiles;
import ddl.train.checkpoint.SavedModel;
import ddl.train.data.ImageData;
import ddl.train.driver.EpochStats;
import ddl.train.export.ModelExport;
import ddl.train.nn.ModelSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/task export}: writes a checkpoint's weights as a NumPy {@code .npz}, one named array per parameter
 * in its layer's natural layout, and a JSON file describing the architecture (see {@link ModelExport}). Needs no
 * cluster.
 *
 * <p>The model comes from the checkpoint's {@value ModelSpec#SETTING} setting (the text form of
 * {@link ModelSpec}); checkpoints without it are MLPs, read off their tensors, unless {@code --model} says
 * otherwise.
 */
public final class TaskExport {
  public static final String NAME = "export";

  private TaskExport() {}

  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = NAME;
    System.arraycopy(args, 0, all, 1, args.length);
    TaskMain.main(all);
  }

  static void run(String[] args) {
    export(args);
  }

  /** The flags of {@code scripts/task export}; it needs no cluster. */
  @Command(description = {"Writes a checkpoint's weights as a NumPy .npz plus a JSON description of the architecture."})
  static final class Flags {
    @Option(names = "--checkpoint", paramLabel = "FILE", description = "checkpoint to export (default: the newest in"
        + " --models)")
    Path checkpoint;
    @Option(names = "--models", paramLabel = "DIR", description = "checkpoint folder (default ${DEFAULT-VALUE})")
    Path models = Path.of("models");
    @Option(names = "--format", paramLabel = "npz", description = "the output format (default npz, the only one)")
    String format = "npz";
    @Option(names = "--out", paramLabel = "FILE", description = "the .npz to write (default: the checkpoint's path"
        + " with .npz); the JSON goes beside it")
    Path out;
    @Option(names = "--model", paramLabel = "SPEC", description = "the model, for a checkpoint that does not name it ("
        + ModelSpec.FORMS + ")")
    String model;
    @Option(names = "--data", paramLabel = "DATA", description = ImageData.HELP + "; only names the classes in the JSON")
    String data;
  }

  /** Runs the task; returns where the files went, or null after {@code --help}. */
  public static ModelExport.Written export(String[] args) {
    Flags o = TaskOptions.parse(NAME, new Flags(), args);
    if (o == null) {
      return null;
    }
    String format = o.format.toLowerCase(Locale.ROOT);
    if (!format.equals("npz")) {
      throw new IllegalArgumentException("--format " + format + " is not supported; use --format npz");
    }
    Path file = CheckpointFiles.givenOrNewest(o.checkpoint, o.models);
    Checkpoint c = CheckpointFiles.load(file);
    ModelSpec spec = SavedModel.of(c, o.model, file);
    Path out = o.out != null ? o.out : ModelExport.sibling(file, ".npz");

    Map<String, Object> about = new LinkedHashMap<>();
    about.put("checkpoint", file.toString());
    about.put("task", c.task());
    about.put("epochs", c.epochsDone());
    if (!c.history().isEmpty()) {
      EpochStats last = c.history().get(c.history().size() - 1);
      about.put("test_accuracy", last.testAccuracy());
    }
    String data = o.data != null ? o.data : c.setting("data", null);
    if (data != null) {
      ImageData images = ImageData.parse(data);
      about.put("data", images.name());
      about.put("class_names", images.classNames());
    }
    ModelExport.Written written = ModelExport.write(out, spec, c.names(), c.shapes(), c.weights(), about);
    System.out.printf(Locale.ROOT, "exported %s (%s, %,d parameters) to %s and %s%n", file, spec,
        spec.parameterCount(), written.npz(), written.json());
    return written;
  }
}
