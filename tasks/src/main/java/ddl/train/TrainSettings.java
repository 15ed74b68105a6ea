package ddl.train;

import ddl.train.checkpoint.Resumption;
import ddl.train.data.FashionMnist;
import ddl.train.data.ImageData;
import ddl.train.driver.LearningRate;
import ddl.train.driver.NonFiniteLoss;
import ddl.train.driver.WireFormat;
import ddl.train.feed.Augmentation;
import ddl.train.nn.MlpSpec;
import ddl.train.nn.ModelSpec;
import ddl.transport.cli.Range;
import ddl.transport.cli.Validated;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The settings of a training task, as the flags every training task takes (a picocli mixin). The
 * defaults reach about 0.89 test accuracy on Fashion-MNIST in 10 epochs with 2 workers and batch
 * 64 per worker.
 *
 * <p>A new flag is one annotated field here (name, default, range and help text in one place) and
 * its accessor; parsing, {@code --help} and the range check follow from the annotations.
 */
public final class TrainSettings implements Validated {
  public static final int DEFAULT_EPOCHS = 10;
  public static final int DEFAULT_BATCH = 64;
  public static final double DEFAULT_LR = 0.05;
  public static final double DEFAULT_MOMENTUM = 0.9;
  public static final double DEFAULT_WARMUP_EPOCHS = 0.5;
  public static final int DEFAULT_PREFETCH = 4;

  @Option(names = "--data", paramLabel = "DATA", description = ImageData.HELP)
  private String data = "fashion-mnist";
  @Option(names = "--model", paramLabel = "SPEC",
      description = "the model: " + ModelSpec.FORMS + " (default mlp, with --hidden's widths)")
  private String model;
  @Option(names = "--hidden", paramLabel = "W,W,..",
      description = "hidden layer widths of the mlp model (default ${DEFAULT-VALUE}; none for softmax regression;"
          + " at most " + MlpSpec.MAX_PARAMETERS + " parameters in all)")
  private String hidden = "256,128";
  /** The model the task defines itself, if any (not a flag). */
  private java.util.function.Function<ImageData, ModelSpec> ownModel;
  @Option(names = "--grad-dtype", paramLabel = "fp32|bf16", converter = WireFormatConverter.class,
      description = "how gradients and deltas travel: fp32, or bf16 (half the bytes; weights and sums stay fp32;"
          + " default fp32)")
  private WireFormat gradDtype = WireFormat.FP32;
  @Option(names = "--epochs", paramLabel = "N",
      description = "epochs in the whole run (default ${DEFAULT-VALUE})")
  @Range(min = 1, max = 100_000)
  private int epochs = DEFAULT_EPOCHS;
  @Option(names = "--batch", paramLabel = "N",
      description = "rows per batch on each worker (default ${DEFAULT-VALUE})")
  @Range(min = 1, max = 1_000_000)
  private int batch = DEFAULT_BATCH;
  @Option(names = "--lr", paramLabel = "X",
      description = "peak learning rate (default ${DEFAULT-VALUE})")
  @Range(above = 0, max = 10)
  private double lr = DEFAULT_LR;
  @Option(names = "--lr-schedule", paramLabel = "cosine|constant",
      description = "shape after warm-up (default cosine, to zero at the last step)")
  private LearningRate.Shape schedule = LearningRate.Shape.COSINE;
  @Option(names = "--warmup", paramLabel = "E",
      description = "epochs of linear learning-rate warm-up (default ${DEFAULT-VALUE})")
  @Range(min = 0, max = 100_000)
  private double warmupEpochs = DEFAULT_WARMUP_EPOCHS;
  @Option(names = "--momentum", paramLabel = "X",
      description = "momentum of SGD (default ${DEFAULT-VALUE})")
  @Range(min = 0, below = 1)
  private double momentum = DEFAULT_MOMENTUM;
  @Option(names = "--seed", paramLabel = "N",
      description = "seed of the initial weights and the batch order (default ${DEFAULT-VALUE})")
  private long seed = 1;
  @Option(names = "--resume", paramLabel = "RUN_ID|FILE", arity = "0..1", fallbackValue = Resumption.LATEST,
      description = "continue a run from a checkpoint FILE, from the last checkpoint of run RUN_ID in --models, or"
          + " (with no argument) from the newest run of this task in --models whose model matches; the continued run"
          + " gets a run id of its own")
  private String resume;
  @Option(names = "--models", paramLabel = "DIR",
      description = "checkpoint folder (default ${DEFAULT-VALUE})")
  private Path models = Path.of("models");
  @Option(names = "--runs", paramLabel = "DIR",
      description = "folder for the run record and plot (default ${DEFAULT-VALUE})")
  private Path runs = Path.of("runs");
  @Option(names = "--train-rows", paramLabel = "N",
      description = "train on the first N training images only (default all)")
  @Range(min = 0)
  private int trainRows;
  @Option(names = "--test-rows", paramLabel = "N",
      description = "evaluate on the first N test images only (default all)")
  @Range(min = 0)
  private int testRows;
  @Option(names = "--on-nan", paramLabel = "stop|skip",
      description = "when a step's loss is NaN or infinite: stop the run without saving those weights, or skip that"
          + " step's update (stopping after " + NonFiniteLoss.MOST_IN_A_ROW + " in a row; not with --average-every)"
          + " (default stop)")
  private NonFiniteLoss.Policy onNan = NonFiniteLoss.Policy.STOP;
  @Option(names = "--data-feed", paramLabel = "preload|stream", converter = FeedConverter.class,
      description = "preload: each worker receives its training shard once and keeps it; stream: the master streams"
          + " each worker its batches, at most --prefetch ahead, so a worker's memory does not grow with the data set"
          + " (default preload)")
  private String dataFeed = "preload";
  @Option(names = "--augment", paramLabel = Augmentation.NAMES, converter = AugmentationConverter.class,
      defaultValue = "none",
      description = "what the feed does to the images on the way (with --data-feed stream): none, or shift-rotate:"
          + " random shifts of up to " + Augmentation.MAX_SHIFT + " pixels and rotations of up to "
          + "10 degrees, drawn from --seed (default none)")
  private Augmentation augment = Augmentation.NONE;
  @Option(names = "--prefetch", paramLabel = "N",
      description = "with --data-feed stream: batches streamed to a worker ahead of its steps, at most (default "
          + DEFAULT_PREFETCH + ")")
  @Range(min = 1, max = 1024)
  private Integer prefetch;
  @Option(names = "--no-progress",
      description = "no progress bar (for logs)")
  private boolean noProgress;

  /** sync-sgd: local steps between model averages (0: plain sync SGD; set by the task's own flag). */
  private int averageEvery;
  /** sync-sgd: how gradients are averaged, ring or master (set by the task's own flag). */
  private String allreduce = "ring";
  /** async-sgd: the staleness bound ({@code < 0}: unbounded; set by the task's own flag). */
  private int staleness = -1;

  /** Reads {@code fp32} or {@code bf16}. */
  static final class WireFormatConverter implements picocli.CommandLine.ITypeConverter<WireFormat> {
    @Override
    public WireFormat convert(String text) {
      return WireFormat.parse(text);
    }
  }

  /** Reads {@code preload} or {@code stream}. */
  static final class FeedConverter implements picocli.CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String text) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "preload" -> "preload";
        case "stream" -> "stream";
        default -> throw new picocli.CommandLine.TypeConversionException(
            "unknown data feed '" + text + "'; use preload or stream");
      };
    }
  }

  /** Reads {@code none} or {@code shift-rotate}. */
  static final class AugmentationConverter implements picocli.CommandLine.ITypeConverter<Augmentation> {
    @Override
    public Augmentation convert(String text) {
      try {
        return Augmentation.parse(text);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Checks what the ranges cannot: a data set and a model this machine can hold, before anything is allocated. */
  @Override
  public void validate() {
    if (!stream() && augment != Augmentation.NONE) {
      throw new IllegalArgumentException("--augment " + augment.text() + " needs --data-feed stream: the images are"
          + " augmented on the master's feed, batch by batch, and a preloaded shard is never sent again");
    }
    if (!stream() && prefetch != null) {
      throw new IllegalArgumentException(
          "--prefetch needs --data-feed stream: preloaded workers hold their whole shard");
    }
    ImageData images = data();
    try {
      MlpSpec.parse(FashionMnist.FEATURES, hidden, FashionMnist.CLASS_NAMES.size());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--hidden " + hidden + ": " + e.getMessage(), e);
    }
    ModelSpec spec;
    try {
      spec = modelSpec(images);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model " + modelText() + ": " + e.getMessage(), e);
    }
    if (spec.parameterCount() > MlpSpec.MAX_PARAMETERS) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--model %s has %,d parameters (%.1f GB a copy"
          + " of its weights); at most %,d are allowed", modelText(), spec.parameterCount(),
          spec.parameterCount() * 4e-9, MlpSpec.MAX_PARAMETERS));
    }
  }

  /** The model's text form: {@code --model}, or {@code mlp:} with {@code --hidden}'s widths. */
  public String modelText() {
    return model != null ? model : "mlp:" + hidden;
  }

  /**
   * These settings with the model a task defines itself (such as one with a {@link
   * ddl.train.nn.LayerSpec.Custom} layer) instead of {@code --model}: {@code define} gets the data
   * set, for its image shape and classes.
   */
  public TrainSettings model(java.util.function.Function<ImageData, ModelSpec> define) {
    if (model != null) {
      throw new IllegalArgumentException("--model " + model + ": this task defines its own model; leave --model out");
    }
    ownModel = define;
    return this;
  }

  /** The model for images of {@code images}' shape and classes. */
  public ModelSpec modelSpec(ImageData images) {
    if (ownModel == null) {
      return ModelSpec.parse(modelText(), images.imageShape(), images.classNames().size());
    }
    ModelSpec spec = ownModel.apply(images);
    if (spec.parameterCount() > MlpSpec.MAX_PARAMETERS) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "the task's model %s has %,d parameters; at"
          + " most %,d are allowed", spec, spec.parameterCount(), MlpSpec.MAX_PARAMETERS));
    }
    return spec;
  }

  /** How gradients and deltas travel. */
  public WireFormat gradDtype() {
    return gradDtype;
  }

  /** These settings with the gradients averaged by {@code how}: ring or master. */
  public TrainSettings allreduce(String how) {
    allreduce = how;
    return this;
  }

  /** sync-sgd: whether the workers average among themselves in a ring (else through the master). */
  public boolean ring() {
    return "ring".equals(allreduce);
  }

  /** These settings with model averaging every {@code k} local steps (0: none). */
  public TrainSettings averageEvery(int k) {
    averageEvery = k;
    return this;
  }

  /** These settings with staleness bound {@code s} ({@code < 0}: unbounded). */
  public TrainSettings staleness(int s) {
    staleness = s;
    return this;
  }

  /** The Fashion-MNIST folder. */
  public ImageData data() {
    return ImageData.parse(data);
  }

  /** The hidden layer widths, such as {@code 256,128}. */
  public String hidden() {
    return hidden;
  }

  /** Epochs of the whole run (a resumed run continues up to this). */
  public int epochs() {
    return epochs;
  }

  /** Rows per batch on each worker. */
  public int batch() {
    return batch;
  }

  /** The peak learning rate. */
  public double lr() {
    return lr;
  }

  /** The learning-rate shape after warm-up. */
  public LearningRate.Shape schedule() {
    return schedule;
  }

  /** Epochs of linear warm-up (may be fractional). */
  public double warmupEpochs() {
    return warmupEpochs;
  }

  /** The momentum of SGD. */
  public float momentum() {
    return (float) momentum;
  }

  /** Seeds the initial weights and the batch order. */
  public long seed() {
    return seed;
  }

  /** Whether to continue from a checkpoint. */
  public boolean resume() {
    return resume != null;
  }

  /** What {@code --resume} names: a checkpoint file, a run id, or {@code latest}; null without it. */
  public String resumeFrom() {
    return resume;
  }

  /** Where checkpoints go. */
  public Path models() {
    return models;
  }

  /** Where run records and plots go. */
  public Path runs() {
    return runs;
  }

  /** Use only the first N training rows (0: all). */
  public int trainRows() {
    return trainRows;
  }

  /** Use only the first N test rows (0: all). */
  public int testRows() {
    return testRows;
  }

  /** What to do when a step's loss is NaN or infinite. */
  public NonFiniteLoss.Policy onNan() {
    return onNan;
  }

  /** Whether the master streams the batches ({@code --data-feed stream}) instead of preloading shards. */
  public boolean stream() {
    return "stream".equals(dataFeed);
  }

  /** What the feed does to the images. */
  public Augmentation augment() {
    return augment;
  }

  /** Batches streamed to a worker ahead of its steps, at most. */
  public int prefetch() {
    return prefetch == null ? DEFAULT_PREFETCH : prefetch;
  }

  /** Whether to draw a progress bar. */
  public boolean progress() {
    return !noProgress;
  }

  /**
   * sync-sgd: local steps between model averages (0: plain sync SGD, no averaging; 1 averages after
   * every step, which equals sync SGD).
   */
  public int averageEvery() {
    return averageEvery;
  }

  /** async-sgd: the staleness bound ({@code < 0}: unbounded). */
  public int staleness() {
    return staleness;
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
    m.put(ModelSpec.SETTING, modelSpec(data()).toString());
    m.put("data", data);
    m.put("grad_dtype", gradDtype.name().toLowerCase(Locale.ROOT));
    m.put("allreduce", allreduce);
    m.put("epochs", Integer.toString(epochs));
    m.put("batch", Integer.toString(batch));
    m.put("lr", Double.toString(lr));
    m.put("lr_schedule", schedule.name().toLowerCase(Locale.ROOT));
    m.put("warmup_epochs", Double.toString(warmupEpochs));
    m.put("momentum", Float.toString(momentum()));
    m.put("seed", Long.toString(seed));
    m.put("train_rows", Integer.toString(trainRows));
    m.put("test_rows", Integer.toString(testRows));
    m.put("average_every", Integer.toString(averageEvery));
    m.put("staleness", Integer.toString(staleness));
    m.put("on_nan", onNan.name().toLowerCase(Locale.ROOT));
    m.put("data_feed", dataFeed);
    m.put("augment", augment.text());
    m.put("prefetch", stream() ? Integer.toString(prefetch()) : "0");
    return m;
  }
}
