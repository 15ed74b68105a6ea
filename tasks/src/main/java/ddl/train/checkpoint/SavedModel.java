package ddl.train.checkpoint;

import ddl.train.nn.MlpSpec;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.ModelWeights;
import java.nio.file.Path;

/**
 * Which model a checkpoint holds: the text form of {@link ModelSpec} under its
 * {@value ModelSpec#SETTING} setting; older checkpoints without it are MLPs, read off their tensors.
 */
public final class SavedModel {
  private SavedModel() {}

  /**
   * Checkpoint {@code c}'s model: {@code flag} (a {@code --model} text) when given, else the model
   * the checkpoint names, else an MLP read off its tensors; checked against its tensors.
   */
  public static ModelSpec of(Checkpoint c, String flag, Path file) {
    String stored = c.setting(ModelSpec.SETTING, null);
    ModelSpec spec;
    if (flag != null) {
      int[][] shapes = c.shapes();
      if (shapes.length == 0 || shapes[shapes.length - 1].length == 0) {
        throw new IllegalArgumentException("checkpoint " + file + " holds no tensors that end in a layer of classes;"
            + " it is not a model DDL can read");
      }
      int classes = shapes[shapes.length - 1][0];
      spec = ModelSpec.parse(flag, new int[] {28, 28, 1}, classes);
    } else if (stored != null) {
      try {
        spec = ModelSpec.parse(stored);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("checkpoint " + file + " holds model " + stored + ", with a layer DDL"
            + " cannot read from text (one a task defines itself, a LayerSpec.Custom); this command knows DDL's own"
            + " layers only", e);
      }
    } else {
      try {
        spec = MlpSpec.of(new ModelWeights(c.names(), c.shapes(), c.weights())).toModelSpec();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("checkpoint " + file + " does not name its model (setting "
            + ModelSpec.SETTING + ") and is not an MLP; pass --model SPEC", e);
      }
    }
    try {
      spec.requireLayout(c.names(), c.shapes());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("checkpoint " + file + " does not hold model " + spec + ": "
          + e.getMessage(), e);
    }
    return spec;
  }
}
