package ddl.train;

import ddl.train.replica.ClusterReplicas;
import ddl.train.replica.ReplicaInfo;
import ddl.master.Cluster;
import ddl.train.checkpoint.Checkpoint;
import ddl.train.checkpoint.CheckpointFiles;
import ddl.train.checkpoint.EpochCheckpoints;
import ddl.train.checkpoint.Resumption;
import ddl.train.data.Dataset;
import ddl.train.data.ImageData;
import ddl.train.data.TrainTest;
import ddl.train.driver.AllWorkersLostException;
import ddl.train.driver.EpochStats;
import ddl.train.driver.FloatArrays;
import ddl.train.driver.LiveWorkers;
import ddl.train.driver.ModelAveraging;
import ddl.train.driver.ModelState;
import ddl.train.driver.NonFiniteLoss.NonFiniteLossException;
import ddl.train.driver.NonFiniteLoss;
import ddl.train.driver.ParameterServer;
import ddl.train.driver.RingSgd;
import ddl.train.driver.StepListener;
import ddl.train.driver.SyncSgd;
import ddl.train.driver.Trainer;
import ddl.train.driver.TrainingLoop;
import ddl.train.driver.TrainingPlan;
import ddl.train.driver.TrainingProgress;
import ddl.train.feed.FeedOptions;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.ModelWeights;
import ddl.transport.TransportConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One training run across the cluster, the entry point of the training library that task mains
 * call: loads and shards the data, starts or resumes the model, trains epoch by epoch with the
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
   * Runs task {@code task} with {@code settings} on the cluster {@code connect} gives (a task main
   * passes its connect option: every reachable worker, or the first {@code --workers N}).
   */
  public static TrainingResult run(String task, Mode mode, TrainSettings s, Supplier<Cluster> connect) {
    return run(task, mode, s, connect, StepListener.NONE);
  }

  /** Like {@link #run(String, Mode, TrainSettings, Supplier)}; {@code observer} hears of every step too. */
  static TrainingResult run(String task, Mode mode, TrainSettings s, Supplier<Cluster> connect,
      StepListener observer) {
    ImageData images = s.data();
    TrainTest data = loadData(images, s.trainRows(), s.testRows());
    ModelSpec spec = s.modelSpec(images);
    ModelWeights init = spec.heInit(s.seed());
    float[][] weights = init.values();
    float[][] velocity = FloatArrays.zerosLike(weights);
    List<EpochStats> history = new ArrayList<>();
    int firstEpoch = 0;
    Path resumedFrom = null;
    Checkpoint c = null;
    if (s.resume()) {
      resumedFrom = Resumption.find(s.resumeFrom(), s.models(), task, spec);
      c = CheckpointFiles.load(resumedFrom);
      requireSameModel(c, spec, resumedFrom);
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
    ModelState start = new ModelState(weights, velocity);

    RunRecord record = new RunRecord(task, List.of(s.runs(), s.models()));
    Map<String, String> settings = new LinkedHashMap<>(s.asText());
    settings.put(CheckpointFiles.RUN_ID, record.id());
    if (c != null) {
      record.put("resumed_from", resumedFrom.toString());
      record.put("resumed_run", c.setting(CheckpointFiles.RUN_ID, c.task()));
      record.put("settings_changed_on_resume", Resumption.changedSettings(c, s.asText()));
    }
    EpochCheckpoints checkpoints = new EpochCheckpoints(task, init.names(), init.shapes(), settings, s.models(),
        history, resumedFrom, start);
    try (Cluster cluster = connect.get(); RunEvents events = RunEvents.open(s.runs(), record.id())) {
      try {
        return train(task, mode, s, cluster, events, record, checkpoints, data, spec, init, start, history,
            firstEpoch, observer);
      } catch (RuntimeException | Error e) {
        events.write("run_failed", Map.of("error", String.valueOf(e.getMessage())));
        throw e;
      }
    } catch (AllWorkersLostException | NonFiniteLossException e) {
      throw checkpoints.stopped(e);
    }
  }

  private static TrainingResult train(String task, Mode mode, TrainSettings s, Cluster cluster, RunEvents events,
      RunRecord record, EpochCheckpoints checkpoints, TrainTest data, ModelSpec spec, ModelWeights init,
      ModelState start, List<EpochStats> history, int firstEpoch, StepListener observer) {
    FeedOptions streamed = s.stream()
        ? new FeedOptions(s.prefetch(), Math.max(1, s.averageEvery()), s.augment(), s.epochs(), s.data().imageShape())
        : null;
    // Closing the replicas stops the data feed too, if there is one.
    try (ClusterReplicas replicas = ClusterReplicas.start(cluster, data, spec, s.batch(), s.seed(), start,
        s.momentum(), s.gradDtype(), streamed)) {
      return train(task, mode, s, cluster, events, record, checkpoints, data, spec, init, start, history, firstEpoch,
          observer, replicas);
    }
  }

  private static TrainingResult train(String task, Mode mode, TrainSettings s, Cluster cluster, RunEvents events,
      RunRecord record, EpochCheckpoints checkpoints, TrainTest data, ModelSpec spec, ModelWeights init,
      ModelState start, List<EpochStats> history, int firstEpoch, StepListener observer, ClusterReplicas replicas) {
    ImageData images = s.data();
    TrainingPlan plan = new TrainingPlan(s.epochs(), replicas.stepsPerEpoch(),
        s.learningRate(replicas.stepsPerEpoch()), s.momentum(), new NonFiniteLoss(s.onNan()));
    LiveWorkers[] live = new LiveWorkers[1];
    LiveWorkers workers = new LiveWorkers(replicas, line -> {
      System.out.println(line);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("message", line);
      f.put("live", live[0] == null ? null : live[0].liveCount());
      events.write("worker", f);
    }, cluster.config().transport().heartbeatInterval());
    live[0] = workers;
    replicas.lostAtSetup().forEach((w, e) -> workers.lose(w, "the start (its data set was being sent)", e));
    int[] joinable = replicas.joinable();
    if (joinable.length > 0) {
      System.out.printf(Locale.ROOT, "%d more worker%s may join at an epoch start when %s up: %s%n", joinable.length,
          joinable.length == 1 ? "" : "s", joinable.length == 1 ? "it comes" : "they come",
          String.join(", ", Arrays.stream(joinable).mapToObj(replicas::address).toList()));
    }
    Trainer trainer = trainer(mode, s, replicas, workers, plan, start, pieceTimeout(cluster));
    events.write("run_started", startEvent(record, task, mode, s, spec, cluster, plan, firstEpoch, trainer));
    System.out.printf(Locale.ROOT, "%s: %s (%,d parameters) on %d workers (%s), %s: %d train / %d test rows "
            + "%s in %.1f s%n", task, spec, init.parameterCount(), cluster.size(), devices(replicas), images.name(),
        data.train().rows(), data.test().rows(), s.stream() ? "(train rows streamed, test rows sent)" : "sent",
        replicas.setupSeconds());
    System.out.printf(Locale.ROOT, "%s; batch %d per worker, %d steps per epoch, lr %s, momentum %.2f%n",
        trainer.describe(), s.batch(), plan.stepsPerEpoch(), plan.learningRate(), s.momentum());

    long sentBefore = cluster.bytesSent();
    long receivedBefore = cluster.bytesReceived();
    long workersSentBefore = workerBytesSent(cluster);
    record.put("setup_bytes_sent", sentBefore);
    TrainingProgress progress = observed(new EventLogProgress(new ConsoleProgress(s.progress(), checkpoints),
        events), observer);
    double priorWall = history.isEmpty() ? 0 : history.get(history.size() - 1).wallSeconds();
    List<EpochStats> ran = TrainingLoop.run(trainer, replicas, plan, firstEpoch, priorWall, progress);

    List<EpochStats> all = checkpoints.history();
    Path plot = TrainingPlot.save(all, task, s.runs().resolve(record.id() + ".png"));
    // Workers that joined during the run are not the cluster's: their connections count apart.
    fillRecord(record, task, mode, s, spec, cluster, replicas, plan, trainer, all, ran,
        cluster.bytesSent() - sentBefore + replicas.joinersBytesSent(),
        cluster.bytesReceived() - receivedBefore + replicas.joinersBytesReceived(),
        workerBytesSent(cluster) - workersSentBefore + replicas.joinersOwnBytesSent());
    record.put("checkpoint", String.valueOf(checkpoints.last()));
    record.put("plot", plot.toString());
    Path file = record.write(s.runs());
    Map<String, Object> done = new LinkedHashMap<>();
    done.put("record", file.toString());
    done.put("final_test_accuracy", record.fields().get("final_test_accuracy"));
    done.put("final_test_loss", record.fields().get("final_test_loss"));
    events.write("run_finished", done);
    printSummary(record, file);
    return new TrainingResult(init.names(), init.shapes(), checkpoints.lastState().weights(), all, file,
        checkpoints.last(), plot, workers.events());
  }

  /** The first event of a run: what it trains, where, and how long it will be. */
  private static Map<String, Object> startEvent(RunRecord record, String task, Mode mode, TrainSettings s,
      ModelSpec spec, Cluster cluster, TrainingPlan plan, int firstEpoch, Trainer trainer) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("id", record.id());
    f.put("task", task);
    f.put("pid", ProcessHandle.current().pid());
    f.put("host", hostName());
    f.put("mode", modeName(mode, s));
    f.put("description", trainer.describe());
    f.put("model", spec.toString());
    f.put("workers", cluster.workers().stream().map(w -> w.address().toString()).toList());
    f.put("epochs", plan.epochs());
    f.put("first_epoch", firstEpoch + 1);
    f.put("steps_per_epoch", plan.stepsPerEpoch());
    f.put("batch_per_worker", s.batch());
    f.put("settings", s.asText());
    return f;
  }

  private static String modeName(Mode mode, TrainSettings s) {
    return mode == Mode.ASYNC ? "async" : s.averageEvery() >= 1 ? "averaging" : "sync";
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  /** The data set, cut to the first rows if asked; a missing set says how to get it. */
  public static TrainTest loadData(ImageData images, int trainRows, int testRows) {
    TrainTest full = images.load();
    return new TrainTest(first(full.train(), trainRows), first(full.test(), testRows));
  }

  /** Fashion-MNIST from {@code dir}, cut to the first rows if asked. */
  static TrainTest loadData(Path dir, int trainRows, int testRows) {
    return loadData(new ImageData("fashion-mnist", dir), trainRows, testRows);
  }

  private static Dataset first(Dataset d, int rows) {
    return rows > 0 && rows < d.rows() ? d.slice(0, rows) : d;
  }

  /**
   * How long a ring member waits for a piece before it counts the ring as broken: well past the
   * heartbeat detection of a lost worker (the master cancels the waiting members as soon as it sees
   * the loss) and past a reconnection, but bounded.
   */
  private static Duration pieceTimeout(Cluster cluster) {
    TransportConfig t = cluster.config().transport();
    Duration heartbeats = t.heartbeatInterval().multipliedBy(6);
    Duration connects = t.connectTimeout().multipliedBy(3);
    return heartbeats.compareTo(connects) > 0 ? heartbeats : connects;
  }

  /** Bytes the workers sent in total, from their own counters (ring traffic included). */
  private static long workerBytesSent(Cluster cluster) {
    try {
      return cluster.stats().await().stream().mapToLong(st -> st.bytesOut()).sum();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static Trainer trainer(Mode mode, TrainSettings s, ClusterReplicas replicas, LiveWorkers workers,
      TrainingPlan plan, ModelState start, Duration pieceTimeout) {
    return switch (mode) {
      case SYNC -> {
        if (s.averageEvery() >= 1) {
          yield new ModelAveraging(replicas, workers, plan, s.averageEvery(), s.gradDtype(),
              s.ring() ? pieceTimeout : null);
        }
        yield s.ring()
            ? new RingSgd(replicas, workers, plan, s.gradDtype(), pieceTimeout)
            : new SyncSgd(replicas, workers, plan, s.gradDtype());
      }
      case ASYNC -> new ParameterServer(replicas, workers, plan, start, s.staleness(), s.gradDtype());
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
      public void epochDone(EpochStats stats, ModelState state) {
        progress.epochDone(stats, state);
      }
    };
  }

  private static void requireSameModel(Checkpoint c, ModelSpec spec, Path file) {
    try {
      spec.requireLayout(c.names(), c.shapes());
    } catch (IllegalArgumentException e) {
      String stored = c.setting(ModelSpec.SETTING, "mlp:" + c.setting("hidden", "?"));
      throw new IllegalArgumentException("checkpoint " + file + " holds model " + stored + ", not " + spec
          + "; pass --model " + stored + " to resume it, or train afresh without --resume", e);
    }
  }

  private static String devices(ClusterReplicas replicas) {
    return replicas.infos().stream().map(ReplicaInfo::device).distinct().reduce((a, b) -> a + ", " + b).orElse("?");
  }

  private static void fillRecord(RunRecord r, String task, Mode mode, TrainSettings s, ModelSpec spec, Cluster cluster,
      ClusterReplicas replicas, TrainingPlan plan, Trainer trainer, List<EpochStats> history, List<EpochStats> ran,
      long sent, long received, long workersSent) {
    r.put("workers", trainer.workers().joinedCount());
    r.put("workers_live_at_end", trainer.workers().liveCount());
    r.put("worker_events", trainer.workers().events());
    List<String> addresses = new ArrayList<>(cluster.workers().stream().map(w -> w.address()).toList());
    addresses.addAll(replicas.joinedWorkers());
    r.put("worker_addresses", addresses);
    r.put("devices", replicas.infos().stream().map(ReplicaInfo::device).toList());
    r.put("mode", modeName(mode, s));
    r.put("allreduce", mode == Mode.ASYNC ? "parameter server" : s.ring() ? "ring" : "master");
    r.put("grad_dtype", s.gradDtype().name().toLowerCase(Locale.ROOT));
    r.put("description", trainer.describe());
    if (mode == Mode.ASYNC) {
      r.put("staleness", s.staleness() < 0 ? "unbounded" : s.staleness());
    } else {
      r.put("average_every", s.averageEvery());
    }
    r.put("model", spec.toString());
    r.put("parameters", spec.parameterCount());
    r.put("epochs", s.epochs());
    r.put("epochs_this_run", ran.size());
    r.put("batch_per_worker", s.batch());
    r.put("steps_per_epoch", plan.stepsPerEpoch());
    r.put("lr", s.lr());
    r.put("lr_schedule", plan.learningRate().toString());
    r.put("momentum", s.momentum());
    r.put("seed", s.seed());
    r.put("data", s.data().toString());
    r.put("data_name", s.data().name());
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
    r.put("data_feed", s.stream() ? "stream" : "preload");
    r.put("augment", s.augment().text());
    if (replicas.feed() != null) {
      r.put("prefetch", s.prefetch());
      r.put("bytes_streamed", replicas.feed().bytesStreamed());
    }
    r.put("bytes_sent", sent);
    r.put("bytes_received", received);
    long workerSteps = ran.stream().mapToLong(EpochStats::samples).sum() / Math.max(1, s.batch());
    r.put("worker_bytes_sent", workersSent);
    r.put("bytes_per_worker_step", workerSteps == 0 ? 0 : Math.round((double) (sent + workersSent) / workerSteps));
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
