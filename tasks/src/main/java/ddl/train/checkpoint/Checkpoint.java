package ddl.train.checkpoint;

import ddl.train.driver.EpochStats;
import ddl.train.driver.FloatArrays;
import java.util.List;
import java.util.Map;

/**
 * Everything a training run needs to continue: the model, the optimizer's velocity, how many
 * epochs are done, the figures of those epochs and the settings they ran with.
 *
 * @param task the task that wrote it, such as {@code sync-sgd}
 * @param names the tensor names
 * @param shapes the tensor dimensions
 * @param weights the tensor values, row-major
 * @param velocity the momentum buffer, same layout as the weights
 * @param epochsDone epochs finished
 * @param history the figures of each finished epoch
 * @param settings the run's settings (model layout, seed, learning rate...) as text
 */
public record Checkpoint(String task, String[] names, int[][] shapes, float[][] weights, float[][] velocity,
    int epochsDone, List<EpochStats> history, Map<String, String> settings) {

  public Checkpoint {
    if (names.length != shapes.length || names.length != weights.length) {
      throw new IllegalArgumentException("a checkpoint needs one name, shape and value array per tensor");
    }
    FloatArrays.requireSameLayout(weights, velocity);
    history = List.copyOf(history);
    settings = Map.copyOf(settings);
  }

  /** A setting, or {@code fallback} if the checkpoint does not have it. */
  public String setting(String key, String fallback) {
    return settings.getOrDefault(key, fallback);
  }
}
