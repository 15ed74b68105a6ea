package ddl.tasks.train;

import ddl.master.Cluster;
import ddl.master.train.Checkpoint;
import ddl.master.train.CheckpointFiles;
import ddl.master.train.EpochStats;
import ddl.master.train.FloatArrays;
import ddl.master.train.LiveWorkers;
import ddl.master.train.ModelAveraging;
import ddl.master.train.MomentumSgd;
import ddl.master.train.ParameterServer;
import ddl.master.train.SyncSgd;
import ddl.master.train.StepListener;
import ddl.master.train.Trainer;
import ddl.master.train.TrainingLoop;
import ddl.master.train.TrainingPlan;
import ddl.master.train.TrainingProgress;
import ddl.tasks.RunRecord;
import ddl.tasks.data.Dataset;
import ddl.tasks.data.DatasetMissingException;
import ddl.tasks.data.FashionMnist;
import ddl.tasks.data.TrainTest;
import ddl.tasks.nn.MlpSpec;
import ddl.tasks.nn.ModelWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One training run of the MLP on Fashion-MNIST across the cluster, shared by the training task
 * mains: loads and shards the data, starts or resumes the model, trains epoch by epoch with the
 * chosen driver, and writes a checkpoint per epoch, a plot and the run record.
 */
public final class TrainingRun {
  /** How the workers' work is combined. */
  public enum Mode {
    /** Sync SGD, or model averaging when {@code --average-every K} is given. */
    SYNC,
    /** Parameter server with a staleness bound. */
    ASYNC
  }

  private TrainingRun() {}

  /**
   * Runs task {@code task} with {@code settings} on the cluster {@code connect} gives (such as
   * {@link ddl.tasks.TaskOptions#connect}: every reachable worker, or the first {@code --workers N}).
   */
  public static TrainingResult run(String task, Mode mode, TrainSettings s, Supplier<Cluster> connect) {
    return run(task, mode, s, connect, StepListener.NONE);
  }

  /** Like {@link #run(String, Mode, TrainSettings, Supplier)}; {@code observer} hears of every step too. */
  static TrainingResult run(String task, Mode mode, TrainSettings s, Supplier<Cluster> connect,
      StepListener observer) {
    TrainTest data = loadData(s.data(), s.trainRows(), s.testRows());
    MlpSpec spec = MlpSpec.parse(data.train().features(), s.hidden(), data.train().classes());
    ModelWeights init = spec.heInit(s.seed());
    float[][] weights = init.values();
    float[][] velocity = FloatArrays.zerosLike(weights);
    List<EpochStats> history = new ArrayList<>();
    int firstEpoch = 0;
    Path resumedFrom = null;
    if (s.resume()) {
      resumedFrom = CheckpointFiles.latest(s.models(), task).orElseThrow(() -> new IllegalArgumentException(
          "--resume: no checkpoint of " + task + " in " + s.models().toAbsolutePath() + "; run without --resume first"));
      Checkpoint c = CheckpointFiles.load(resumedFrom);
      requireSameModel(c, init, spec, resumedFrom);
      weights = c.weights();
      velocity = c.velocity();
      history.addAll(c.history());
      firstEpoch = c.epochsDone();
      System.out.printf(Locale.ROOT, "resuming from %s: %d epochs done, test accuracy %.4f%n", resumedFrom,
          firstEpoch, history.isEmpty() ? Double.NaN : history.get(history.size() - 1).testAccuracy());
      if (firstEpoch >= s.epochs()) {
        throw new IllegalArgumentException("the checkpoint already has " + firstEpoch + " epochs; pass --epochs N with N > "
            + firstEpoch + " to train further");
      }
    }

    RunRecord record = new RunRecord(task);
    try (Cluster cluster = connect.get()) {
      ClusterReplicas replicas = ClusterReplicas.start(cluster, data, init.names(), init.shapes(), s.batch(), s.seed());
      TrainingPlan plan = new TrainingPlan(s.epochs(), replicas.stepsPerEpoch(),
          s.learningRate(replicas.stepsPerEpoch()), s.momentum());
      LiveWorkers workers = new LiveWorkers(replicas, System.out::println);
      Trainer trainer = trainer(mode, s, replicas, workers, plan, weights, velocity);
      System.out.printf(Locale.ROOT, "%s: MLP %s (%,d parameters) on %d workers (%s), %d train / %d test rows "
              + "sent in %.1f s%n", task, spec, init.parameterCount(), cluster.size(), devices(replicas),
          data.train().rows(), data.test().rows(), replicas.setupSeconds());
      System.out.printf(Locale.ROOT, "%s; batch %d per worker, %d steps per epoch, lr %s, momentum %.2f%n",
          trainer.describe(), s.batch(), plan.stepsPerEpoch(), plan.learningRate(), s.momentum());

      long sentBefore = cluster.bytesSent();
      long receivedBefore = cluster.bytesReceived();
      record.put("setup_bytes_sent", sentBefore);
      EpochCheckpoints checkpoints = new EpochCheckpoints(task, init.names(), init.shapes(), s.asText(), s.models(),
          history, resumedFrom);
      TrainingProgress progress = observed(new ConsoleProgress(s.progress(), checkpoints), observer);
      double priorWall = history.isEmpty() ? 0 : history.get(history.size() - 1).wallSeconds();
      List<EpochStats> ran = TrainingLoop.run(trainer, replicas, plan, firstEpoch, priorWall, progress);

      history = checkpoints.history();
      String stamp = record.fields().get("started_utc").toString().replaceAll("[-:]|\\.\\d+", "");
      Path plot = TrainingPlot.save(history, task, s.runs().resolve(stamp + "-" + task + ".png"));
      fillRecord(record, task, mode, s, cluster, replicas, plan, trainer, history, ran,
          cluster.bytesSent() - sentBefore, cluster.bytesReceived() - receivedBefore);
      record.put("checkpoint", String.valueOf(checkpoints.last()));
      record.put("plot", plot.toString());
      if (resumedFrom != null) {
        record.put("resumed_from", resumedFrom.toString());
      }
      Path file = record.write(s.runs());
      printSummary(record, file);
      return new TrainingResult(init.names(), init.shapes(), FloatArrays.copy(trainer.weights()), history, file,
          checkpoints.last(), plot, workers.events());
    }
  }

  /** Fashion-MNIST from {@code dir}, cut to the first rows if asked; a missing set says how to get it. */
  static TrainTest loadData(Path dir, int trainRows, int testRows) {
    TrainTest full;
    try {
      full = FashionMnist.load(dir);
    } catch (DatasetMissingException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new TrainTest(first(full.train(), trainRows), first(full.test(), testRows));
  }

  private static Dataset first(Dataset d, int rows) {
    return rows > 0 && rows < d.rows() ? d.slice(0, rows) : d;
  }

  private static Trainer trainer(Mode mode, TrainSettings s, ClusterReplicas replicas, LiveWorkers workers,
      TrainingPlan plan, float[][] weights, float[][] velocity) {
    return switch (mode) {
      case SYNC -> s.averageEvery() >= 1
          ? new ModelAveraging(replicas, workers, plan, weights, velocity, s.averageEvery())
          : new SyncSgd(replicas, workers, plan, weights, MomentumSgd.resume(s.momentum(), velocity));
      case ASYNC -> new ParameterServer(replicas, workers, plan, weights, MomentumSgd.resume(s.momentum(), velocity),
          s.staleness());
    };
  }

  /** {@code progress}, with {@code observer} hearing of every step as well. */
  private static TrainingProgress observed(TrainingProgress progress, StepListener observer) {
    if (observer == StepListener.NONE) {
      return progress;
    }
    return new TrainingProgress() {
      @Override
      public void epochStarting(int epoch, int epochs, int steps) {
        progress.epochStarting(epoch, epochs, steps);
      }

      @Override
      public void stepDone(int epoch, int step, float loss) {
        progress.stepDone(epoch, step, loss);
        observer.stepDone(epoch, step, loss);
      }

      @Override
      public void epochDone(EpochStats stats, Trainer trainer) {
        progress.epochDone(stats, trainer);
      }
    };
  }

  private static void requireSameModel(Checkpoint c, ModelWeights init, MlpSpec spec, Path file) {
    if (!Arrays.equals(c.names(), init.names()) || !Arrays.deepEquals(c.shapes(), init.shapes())) {
      throw new IllegalArgumentException("checkpoint " + file + " holds a model of hidden layers "
          + c.setting("hidden", "?") + ", not " + spec + "; pass --hidden " + c.setting("hidden", "?")
          + " to resume it, or train afresh without --resume");
    }
  }

  private static String devices(ClusterReplicas replicas) {
    return replicas.infos().stream().map(ReplicaInfo::device).distinct().reduce((a, b) -> a + ", " + b).orElse("?");
  }

  private static void fillRecord(RunRecord r, String task, Mode mode, TrainSettings s, Cluster cluster,
      ClusterReplicas replicas, TrainingPlan plan, Trainer trainer, List<EpochStats> history, List<EpochStats> ran,
      long sent, long received) {
    r.put("workers", cluster.size());
    r.put("workers_live_at_end", trainer.workers().liveCount());
    r.put("worker_events", trainer.workers().events());
    r.put("worker_addresses", cluster.workers().stream().map(w -> w.address()).toList());
    r.put("devices", replicas.infos().stream().map(ReplicaInfo::device).toList());
    r.put("mode", mode == Mode.ASYNC ? "async" : s.averageEvery() >= 1 ? "averaging" : "sync");
    r.put("description", trainer.describe());
    if (mode == Mode.ASYNC) {
      r.put("staleness", s.staleness() < 0 ? "unbounded" : s.staleness());
    } else {
      r.put("average_every", s.averageEvery());
    }
    r.put("model", "MLP " + s.hidden());
    r.put("epochs", s.epochs());
    r.put("epochs_this_run", ran.size());
    r.put("batch_per_worker", s.batch());
    r.put("steps_per_epoch", plan.stepsPerEpoch());
    r.put("lr", s.lr());
    r.put("lr_schedule", plan.learningRate().toString());
    r.put("momentum", s.momentum());
    r.put("seed", s.seed());
    r.put("data", s.data().toString());
    r.put("train_rows", replicas.infos().stream().mapToInt(ReplicaInfo::trainRows).sum());
    r.put("test_rows", replicas.infos().stream().mapToInt(ReplicaInfo::testRows).sum());
    r.put("test_accuracy", history.stream().map(EpochStats::testAccuracy).toList());
    r.put("test_loss", history.stream().map(EpochStats::testLoss).toList());
    r.put("train_loss", history.stream().map(EpochStats::trainLoss).toList());
    r.put("final_test_accuracy", history.get(history.size() - 1).testAccuracy());
    r.put("final_test_loss", history.get(history.size() - 1).testLoss());
    double stepSeconds = ran.stream().mapToDouble(EpochStats::stepSeconds).sum();
    long samples = ran.stream().mapToLong(EpochStats::samples).sum();
    double wall = ran.stream().mapToDouble(e -> e.stepSeconds() + e.evalSeconds()).sum();
    r.put("wall_seconds", round(wall, 2));
    r.put("setup_seconds", round(replicas.setupSeconds(), 2));
    r.put("samples_per_second", Math.round(samples / Math.max(1e-9, stepSeconds)));
    r.put("compute_share", round(weighted(ran, EpochStats::computeShare), 3));
    r.put("communication_share", round(weighted(ran, EpochStats::communicationShare), 3));
    r.put("master_share", round(weighted(ran, EpochStats::masterShare), 3));
    r.put("wait_share", round(weighted(ran, EpochStats::waitShare), 3));
    r.put("bytes_sent", sent);
    r.put("bytes_received", received);
    r.put("epoch_details", history.stream().map(EpochStats::toMap).toList());
  }

  private static double weighted(List<EpochStats> epochs, java.util.function.ToDoubleFunction<EpochStats> share) {
    double total = epochs.stream().mapToDouble(EpochStats::stepSeconds).sum();
    return total == 0 ? 0 : epochs.stream().mapToDouble(e -> share.applyAsDouble(e) * e.stepSeconds()).sum() / total;
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static void printSummary(RunRecord record, Path file) {
    Map<String, Object> f = record.fields();
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("final test accuracy", String.format(Locale.ROOT, "%.4f (loss %.4f)",
        (double) f.get("final_test_accuracy"), (double) f.get("final_test_loss")));
    rows.put("samples/s", String.format(Locale.ROOT, "%,d over %s workers", (long) f.get("samples_per_second"),
        f.get("workers")));
    rows.put("step time split", String.format(Locale.ROOT, "compute %.0f%%, communication %.0f%%, master %.0f%%%s",
        100 * (double) f.get("compute_share"), 100 * (double) f.get("communication_share"),
        100 * (double) f.get("master_share"), (double) f.get("wait_share") > 0.005
            ? String.format(Locale.ROOT, ", waiting %.0f%%", 100 * (double) f.get("wait_share")) : ""));
    rows.put("wall time", f.get("wall_seconds") + " s training + " + f.get("setup_seconds") + " s sending data");
    rows.put("bytes sent / received", String.format(Locale.ROOT, "%,d / %,d while training (%,d sending data)",
        (long) f.get("bytes_sent"), (long) f.get("bytes_received"), (long) f.get("setup_bytes_sent")));
    rows.put("checkpoint", String.valueOf(f.get("checkpoint")));
    rows.put("plot", String.valueOf(f.get("plot")));
    RunRecord.printTable(f.get("task") + " results (" + file + "):", rows);
  }
}
