package ddl.tasks.train;

import ddl.master.Cluster;
import ddl.master.ProxyWorker;
import ddl.master.train.Evaluation;
import ddl.master.train.ModelState;
import ddl.master.train.Replicas;
import ddl.master.train.Steps;
import ddl.master.train.WireFormat;
import ddl.tasks.data.Dataset;
import ddl.tasks.data.TrainTest;
import ddl.tasks.nn.ModelSpec;
import ddl.tasks.nn.TopK;
import ddl.tasks.train.feed.DataFeed;
import ddl.tasks.train.feed.FeedOptions;
import ddl.transport.CallOptions;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Replicas} on the workers of a {@link Cluster}: sends each worker its training shard,
 * test slice and the starting model once, then every driver request is one small RPC (gradients,
 * means or deltas, never the weights). It keeps the setups, so that a lost worker can be set up
 * again when it comes back, and a lost worker's test slice can be sent to another (once; that
 * worker keeps it). Gradient replies are read into arrays lent per worker, reused every step.
 * With {@code --data-feed stream} the training shards stay here and a {@link DataFeed} streams
 * their batches: each step call first makes sure the worker's feed runs from that step on.
 */
public final class ClusterReplicas implements Replicas {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ClusterReplicas.class.getName());
  private final Cluster cluster;
  private final List<ReplicaSetup> setups;
  private final List<ReplicaInfo> infos;
  private final int stepsPerEpoch;
  private final double setupSeconds;
  private final ProxyWorker[] lending;
  /** Which (evaluator, slice) pairs have had the slice's rows sent, as {@code evaluator * size + slice}. */
  private final Set<Integer> slicesSent = ConcurrentHashMap.newKeySet();
  private final Map<Integer, WorkerUnavailableException> lostAtSetup = new TreeMap<>();
  /** The batches streamed to the workers ({@code --data-feed stream}), or null when they hold their shards. */
  private DataFeed feed;

  private ClusterReplicas(Cluster cluster, List<ReplicaSetup> setups, List<ReplicaInfo> infos, double setupSeconds) {
    this.cluster = cluster;
    this.setups = List.copyOf(setups);
    this.infos = List.copyOf(infos);
    this.stepsPerEpoch = infos.stream().mapToInt(ReplicaInfo::stepsPerEpoch).min().orElse(0);
    this.setupSeconds = setupSeconds;
    this.lending = new ProxyWorker[cluster.size()];
  }

  /**
   * Shards {@code data} over the cluster's workers (contiguous, nearly equal parts), sends each
   * worker its parts and the model, every replica starting from {@code start}, and waits until
   * every worker holds them.
   */
  public static ClusterReplicas start(Cluster cluster, TrainTest data, ModelSpec spec, int batch, long seed,
      ModelState start, float momentum, WireFormat format) {
    return start(cluster, data, spec, batch, seed, start, momentum, format, null);
  }

  /**
   * Like {@link #start(Cluster, TrainTest, ModelSpec, int, long, ModelState, float, WireFormat)},
   * but with {@code streamed} (unless null) the training shards stay on the master and a
   * {@link DataFeed} streams their batches to the workers.
   */
  public static ClusterReplicas start(Cluster cluster, TrainTest data, ModelSpec spec, int batch, long seed,
      ModelState start, float momentum, WireFormat format, FeedOptions streamed) {
    int n = cluster.size();
    long begin = System.nanoTime();
    List<ReplicaSetup> setups = new ArrayList<>(n);
    List<Dataset> shards = new ArrayList<>(n);
    for (int w = 0; w < n; w++) {
      Dataset train = data.train().shard(w, n);
      Dataset test = data.test().shard(w, n);
      shards.add(train);
      setups.add(streamed == null ? new ReplicaSetup(w, spec, train, test, batch, seed, start, momentum, format)
          : new ReplicaSetup(w, spec, FeedOptions.noRows(train), test, batch, seed, start, momentum, format,
              streamed.streaming(train, cluster.config().transport())));
    }
    List<Future<ReplicaInfo>> replies = new ArrayList<>(n);
    for (int w = 0; w < n; w++) {
      replies.add(cluster.worker(w).call(ReplicaCalls.SETUP, setups.get(w)));
    }
    Future.join(replies).transform(ar -> Future.<Void>succeededFuture()).await();
    List<ReplicaInfo> infos = new ArrayList<>(n);
    Map<Integer, WorkerUnavailableException> lost = new TreeMap<>();
    for (int w = 0; w < n; w++) {
      Future<ReplicaInfo> reply = replies.get(w);
      if (reply.succeeded()) {
        infos.add(reply.result());
      } else if (reply.cause() instanceof WorkerUnavailableException e) {
        // Lost while its data was on the way: it is set up again if it rejoins at an epoch start.
        ReplicaSetup s = setups.get(w);
        lost.put(w, e);
        infos.add(new ReplicaInfo(cluster.config().workers().get(w).toString(), "unknown (lost at setup)",
            s.trainRows(), s.test().rows(), BatchPlan.stepsPerEpoch(s.trainRows(), batch)));
      } else if (reply.cause() instanceof RuntimeException e) {
        throw e;
      } else {
        throw new IllegalStateException(reply.cause().getMessage(), reply.cause());
      }
    }
    ClusterReplicas replicas = new ClusterReplicas(cluster, setups, infos, (System.nanoTime() - begin) / 1e9);
    replicas.lostAtSetup.putAll(lost);
    if (streamed != null) {
      replicas.feed = streamed.feed(shards, batch, seed, replicas.stepsPerEpoch, cluster.config().transport(),
          (w, push) -> replicas.proxy(w).call(ReplicaCalls.PUSH, push),
          (w, e) -> LOG.info("data feed to worker " + replicas.address(w) + " stopped: " + e.getMessage()));
    }
    return replicas;
  }

  /** The workers lost while their data was being sent, with why; the run starts without them. */
  public Map<Integer, WorkerUnavailableException> lostAtSetup() {
    return Map.copyOf(lostAtSetup);
  }

  /** The data feed, or null when the workers hold their shards. */
  public DataFeed feed() {
    return feed;
  }

  /** Stops the data feed, if there is one. */
  public void stopFeed() {
    if (feed != null) {
      feed.close();
    }
  }

  /** Worker {@code worker} is about to take batch {@code (epoch, step)}: its feed must run from there. */
  private void feedAt(int worker, int epoch, int step) {
    if (feed != null) {
      feed.at(worker, epoch, step);
    }
  }

  /** What each worker reported after setup. */
  public List<ReplicaInfo> infos() {
    return infos;
  }

  /** Seconds it took to send the data and set up every worker. */
  public double setupSeconds() {
    return setupSeconds;
  }

  @Override
  public int size() {
    return cluster.size();
  }

  @Override
  public int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  @Override
  public Future<Steps.GradientReply> masterStep(int worker, Steps.MasterStep step) {
    feedAt(worker, step.epoch(), step.step());
    return lending(worker).call(ReplicaCalls.MASTER_STEP, step);
  }

  @Override
  public Future<Steps.StepStats> ringStep(int worker, Steps.RingStep step) {
    feedAt(worker, step.epoch(), step.step());
    return proxy(worker).call(ReplicaCalls.RING_STEP, step);
  }

  @Override
  public Future<Void> apply(int worker, Steps.Apply apply) {
    return proxy(worker).call(ReplicaCalls.APPLY, apply).mapEmpty();
  }

  @Override
  public Future<Steps.GradientReply> asyncStep(int worker, Steps.AsyncStep step) {
    feedAt(worker, step.epoch(), step.step());
    return lending(worker).call(ReplicaCalls.ASYNC_STEP, step);
  }

  @Override
  public Future<Steps.LocalResult> localSteps(int worker, Steps.LocalSteps steps) {
    if (steps.learningRates().length > 0) {
      feedAt(worker, steps.epoch(), steps.firstStep());
    }
    return proxy(worker).call(ReplicaCalls.LOCAL_STEPS, steps);
  }

  @Override
  public Future<Void> joinRing(int worker, Steps.JoinRing join) {
    return proxy(worker).call(ReplicaCalls.JOIN_RING, join).mapEmpty();
  }

  @Override
  public Future<Long> checksum(int worker) {
    return proxy(worker).call(ReplicaCalls.CHECKSUM);
  }

  @Override
  public Future<ModelState> state(int worker) {
    return proxy(worker).call(ReplicaCalls.STATE);
  }

  @Override
  public Future<Void> setState(int worker, ModelState state) {
    return proxy(worker).call(ReplicaCalls.SET_STATE, state).mapEmpty();
  }

  @Override
  public Future<Evaluation> evaluateSlice(int on, int slice) {
    if (on == slice) {
      return proxy(on).call(ReplicaCalls.EVALUATE_SLICE, new ReplicaCalls.SliceRequest(slice, null));
    }
    int key = on * size() + slice;
    boolean first = slicesSent.add(key);
    Dataset rows = first ? setups.get(slice).test() : null;
    return proxy(on).call(ReplicaCalls.EVALUATE_SLICE, new ReplicaCalls.SliceRequest(slice, rows))
        .onFailure(e -> slicesSent.remove(key));
  }

  /** Connects again to worker {@code worker} and sends it the same setup as at the start. */
  @Override
  public Future<Void> reconnect(int worker) {
    return cluster.reconnect(worker).compose(proxy -> {
      for (int slice = 0; slice < size(); slice++) {
        slicesSent.remove(worker * size() + slice);
      }
      synchronized (lending) {
        lending[worker] = null;
      }
      if (feed != null) {
        feed.stop(worker);
      }
      return proxy.call(ReplicaCalls.SETUP, setups.get(worker));
    }).mapEmpty();
  }

  /** A ping that must come back within three heartbeat intervals (the time a silent worker is dropped in). */
  @Override
  public Future<Void> probe(int worker) {
    java.time.Duration patience = cluster.config().transport().heartbeatInterval().multipliedBy(3);
    return proxy(worker).with(CallOptions.timeout(patience)).ping().mapEmpty();
  }

  @Override
  public String address(int worker) {
    return cluster.config().workers().get(worker).toString();
  }

  @Override
  public long trainRows(int worker) {
    return setups.get(worker).trainRows();
  }

  /** Worker {@code worker}'s {@code k} most probable classes for the first {@code rows} rows of {@code images}. */
  public Future<TopK> predict(int worker, float[] images, int rows, int k) {
    return proxy(worker).call(ReplicaCalls.PREDICT, new ReplicaCalls.PredictRequest(images, rows, k));
  }

  private ProxyWorker proxy(int worker) {
    return cluster.worker(worker);
  }

  /**
   * Worker {@code worker} with arrays lent for its gradient replies: one set of the model's
   * shape per worker, filled again every step (a driver reads a reply before the next step).
   */
  private ProxyWorker lending(int worker) {
    synchronized (lending) {
      ProxyWorker p = lending[worker];
      if (p == null || p.index() != proxy(worker).index() || !p.isConnected()) {
        ReplicaSetup s = setups.get(worker);
        Object[] buffers = new Object[s.spec().shapes().length];
        for (int t = 0; t < buffers.length; t++) {
          int size = Math.toIntExact(s.start().weights()[t].length);
          buffers[t] = s.format() == WireFormat.FP32 ? new float[size] : new char[size];
        }
        p = proxy(worker).with(CallOptions.DEFAULT.replyInto(buffers));
        lending[worker] = p;
      }
      return p;
    }
  }
}
