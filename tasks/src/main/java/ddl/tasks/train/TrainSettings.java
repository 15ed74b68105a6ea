package ddl.tasks.train;

import ddl.master.train.LearningRate;
import ddl.master.train.StalenessGate;
import ddl.tasks.TaskOptions;
import ddl.tasks.data.FashionMnist;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of a training task, read from its flags. The defaults reach about 0.89 test
 * accuracy on Fashion-MNIST in 10 epochs with 2 workers and batch 64 per worker.
 *
 * @param data the Fashion-MNIST folder
 * @param hidden the hidden layer widths, such as {@code 256,128}
 * @param epochs epochs of the whole run (a resumed run continues up to this)
 * @param batch rows per batch on each worker
 * @param lr the peak learning rate
 * @param schedule the learning-rate shape after warm-up
 * @param warmupEpochs epochs of linear warm-up (may be fractional)
 * @param momentum the momentum of SGD
 * @param seed seeds the initial weights and the batch order
 * @param resume continue from the task's latest checkpoint
 * @param models where checkpoints go
 * @param runs where run records and plots go
 * @param trainRows use only the first N training rows (0: all)
 * @param testRows use only the first N test rows (0: all)
 * @param progress draw a progress bar
 * @param averageEvery sync-sgd: local steps between model averages (0: plain sync SGD, no averaging;
 *     1 averages after every step, which equals sync SGD)
 * @param staleness async-sgd: the staleness bound ({@code < 0}: unbounded)
 */
public record TrainSettings(Path data, String hidden, int epochs, int batch, double lr, LearningRate.Shape schedule,
    double warmupEpochs, float momentum, long seed, boolean resume, Path models, Path runs, int trainRows,
    int testRows, boolean progress, int averageEvery, int staleness) {

  public static final int DEFAULT_EPOCHS = 10;
  public static final int DEFAULT_BATCH = 64;
  public static final double DEFAULT_LR = 0.05;
  public static final double DEFAULT_MOMENTUM = 0.9;
  public static final double DEFAULT_WARMUP_EPOCHS = 0.5;

  /** The flags every training task takes, in the order --help lists them. */
  public static Map<String, String> flags() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("data", "DIR Fashion-MNIST folder (default " + FashionMnist.DEFAULT_DIR + ")");
    f.put("hidden", "W,W,.. hidden layer widths (default 256,128; none for softmax regression)");
    f.put("epochs", "N epochs in the whole run (default " + DEFAULT_EPOCHS + ")");
    f.put("batch", "N rows per batch on each worker (default " + DEFAULT_BATCH + ")");
    f.put("lr", "X peak learning rate (default " + DEFAULT_LR + ")");
    f.put("lr-schedule", "cosine|constant shape after warm-up (default cosine, to zero at the last step)");
    f.put("warmup", "E epochs of linear learning-rate warm-up (default " + DEFAULT_WARMUP_EPOCHS + ")");
    f.put("momentum", "X momentum of SGD (default " + DEFAULT_MOMENTUM + ")");
    f.put("seed", "N seed of the initial weights and the batch order (default 1)");
    f.put("resume", "switch: continue from the latest checkpoint of this task in --models");
    f.put("models", "DIR checkpoint folder (default models)");
    f.put("runs", "DIR folder for the run record and plot (default runs)");
    f.put("train-rows", "N train on the first N training images only (default all)");
    f.put("test-rows", "N evaluate on the first N test images only (default all)");
    f.put("no-progress", "switch: no progress bar (for logs)");
    return f;
  }

  /** Reads the settings from parsed flags. */
  public static TrainSettings of(TaskOptions o) {
    int epochs = o.integer("epochs", DEFAULT_EPOCHS);
    int batch = o.integer("batch", DEFAULT_BATCH);
    double lr = o.decimal("lr", DEFAULT_LR);
    double momentum = o.decimal("momentum", DEFAULT_MOMENTUM);
    double warmup = o.decimal("warmup", DEFAULT_WARMUP_EPOCHS);
    int averageEvery = o.integer("average-every", 0);
    if (epochs < 1 || batch < 1 || !(lr > 0) || !(momentum >= 0 && momentum < 1) || warmup < 0
        || (o.has("average-every") && averageEvery < 1)) {
      throw new IllegalArgumentException("need --epochs >= 1, --batch >= 1, --lr > 0, 0 <= --momentum < 1, "
          + "--warmup >= 0 and --average-every >= 1");
    }
    return new TrainSettings(Path.of(o.string("data", FashionMnist.DEFAULT_DIR.toString())),
        o.string("hidden", "256,128"), epochs, batch, lr,
        LearningRate.Shape.parse(o.string("lr-schedule", "cosine")), warmup, (float) momentum,
        o.number("seed", 1), o.has("resume"), Path.of(o.string("models", "models")),
        Path.of(o.string("runs", "runs")), o.integer("train-rows", 0), o.integer("test-rows", 0),
        !o.has("no-progress"), averageEvery, StalenessGate.parseBound(o.string("staleness", "-1")));
  }

  /** The learning rate per global step for {@code stepsPerEpoch} steps an epoch. */
  public LearningRate learningRate(int stepsPerEpoch) {
    long total = (long) epochs * stepsPerEpoch;
    return new LearningRate(lr, schedule, total, Math.round(warmupEpochs * stepsPerEpoch));
  }

  /** The settings as text, for checkpoints. */
  public Map<String, String> asText() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("hidden", hidden);
    m.put("epochs", Integer.toString(epochs));
    m.put("batch", Integer.toString(batch));
    m.put("lr", Double.toString(lr));
    m.put("lr_schedule", schedule.name().toLowerCase(Locale.ROOT));
    m.put("warmup_epochs", Double.toString(warmupEpochs));
    m.put("momentum", Float.toString(momentum));
    m.put("seed", Long.toString(seed));
    m.put("train_rows", Integer.toString(trainRows));
    m.put("test_rows", Integer.toString(testRows));
    m.put("average_every", Integer.toString(averageEvery));
    m.put("staleness", Integer.toString(staleness));
    return m;
  }
}
