package ddl.train;

import ddl.train.driver.EpochStats;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run leaves behind.
 *
 * @param names the model's tensor names
 * @param shapes the model's tensor dimensions
 * @param weights the final model
 * @param history the figures of every epoch, resumed ones included
 * @param record the run record
 * @param checkpoint the last checkpoint written
 * @param plot the plot of the curves
 * @param workerEvents one line per worker lost or rejoined during the run
 */
public record TrainingResult(String[] names, int[][] shapes, float[][] weights, List<EpochStats> history,
    Path record, Path checkpoint, Path plot, List<String> workerEvents) {

  /** The test accuracy after the last epoch. */
  public double finalTestAccuracy() {
    return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).testAccuracy();
  }
}
