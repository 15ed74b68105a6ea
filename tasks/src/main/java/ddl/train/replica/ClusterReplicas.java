package ddl.train.replica;

import ddl.master.Cluster;
import ddl.master.ProxyWorker;
import ddl.train.data.Dataset;
import ddl.train.data.TrainTest;
import ddl.train.driver.Evaluation;
import ddl.train.driver.ModelState;
import ddl.train.driver.Replicas;
import ddl.train.driver.Steps;
import ddl.train.driver.WireFormat;
import ddl.train.feed.BatchPlan;
import ddl.train.feed.DataFeed;
import ddl.train.feed.FeedOptions;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.TopK;
import ddl.transport.CallOptions;
import ddl.transport.WorkerAddress;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Replicas} on the workers of a {@link Cluster}: sends each worker its share of the
 * training rows, test slice and the starting model once, then every driver request is one small
 * RPC (gradients, means or deltas, never the weights). It keeps the setups, so that a lost worker
 * can be set up again when it comes back, and a lost worker's test slice can be sent to another
 * (once; that worker keeps it). Gradient replies are read into arrays lent per worker, reused
 * every step. With {@code --data-feed stream} the training rows stay here and a {@link DataFeed}
 * streams their batches: each step call first makes sure the worker's feed runs from that step on.
 *
 * <p>Besides the cluster's workers it has a place for each worker that may join later
 * ({@link Cluster#joinable()}, such as the pods of a StatefulSet that is scaled up); these start
 * out lost. When the live workers change, {@link #shareRows} shares the training rows out again
 * over those live at the next epoch start, so every epoch covers the whole training set.
 */
public final class ClusterReplicas implements Replicas, AutoCloseable {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(ClusterReplicas.class.getName());
  private final Cluster cluster;
  private final TrainTest data;
  private final List<WorkerAddress> addresses;
  private final List<ReplicaSetup> setups;
  private final List<ReplicaInfo> infos;
  private final double setupSeconds;
  private final ProxyWorker[] lending;
  /** Connections to the workers that joined later, by worker index (null below the cluster's size). */
  private final ProxyWorker[] joined;
  private final JoinerTraffic traffic = new JoinerTraffic();
  /** The training rows each worker holds, as {@code [from, to)}, or null when it holds none (or is lost). */
  private final int[][] shares;
  /** Which (evaluator, slice) pairs have had the slice's rows sent, as {@code evaluator * size + slice}. */
  private final Set<Integer> slicesSent = ConcurrentHashMap.newKeySet();
  private final Map<Integer, WorkerUnavailableException> lostAtSetup = new TreeMap<>();
  /** The batches streamed to the workers ({@code --data-feed stream}), or null when they hold their rows. */
  private DataFeed feed;

  private ClusterReplicas(Cluster cluster, TrainTest data, List<ReplicaSetup> setups, List<ReplicaInfo> infos,
      double setupSeconds) {
    this.cluster = cluster;
    this.data = data;
    List<WorkerAddress> all = new ArrayList<>(cluster.config().workers());
    all.addAll(cluster.joinable());
    this.addresses = List.copyOf(all);
    this.setups = List.copyOf(setups);
    this.infos = List.copyOf(infos);
    this.setupSeconds = setupSeconds;
    this.lending = new ProxyWorker[addresses.size()];
    this.joined = new ProxyWorker[addresses.size()];
    this.shares = new int[addresses.size()][];
    for (int w = 0; w < cluster.size(); w++) {
      shares[w] = Dataset.shardRange(data.train().rows(), w, cluster.size());
    }
  }

  /**
   * Shards {@code data} over the cluster's workers (contiguous, nearly equal parts), sends each
   * worker its parts and the model, every replica starting from {@code start}, and waits until
   * every worker holds them. Workers that may join later ({@link Cluster#joinable()}) get no test
   * rows; they are set up when they join.
   */
  public static ClusterReplicas start(Cluster cluster, TrainTest data, ModelSpec spec, int batch, long seed,
      ModelState start, float momentum, WireFormat format) {
    return start(cluster, data, spec, batch, seed, start, momentum, format, null);
  }

  /**
   * Like {@link #start(Cluster, TrainTest, ModelSpec, int, long, ModelState, float, WireFormat)},
   * but with {@code streamed} (unless null) the training rows stay on the master and a
   * {@link DataFeed} streams their batches to the workers.
   */
  public static ClusterReplicas start(Cluster cluster, TrainTest data, ModelSpec spec, int batch, long seed,
      ModelState start, float momentum, WireFormat format, FeedOptions streamed) {
    int n = cluster.size();
    long begin = System.nanoTime();
    List<ReplicaSetup> setups = new ArrayList<>(n + cluster.joinable().size());
    List<Dataset> shards = new ArrayList<>(n + cluster.joinable().size());
    for (int w = 0; w < n + cluster.joinable().size(); w++) {
      Dataset train = w < n ? data.train().shard(w, n) : data.train().slice(0, 0);
      Dataset test = w < n ? data.test().shard(w, n) : data.test().slice(0, 0);
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
    ClusterReplicas replicas = new ClusterReplicas(cluster, data, setups, infos, (System.nanoTime() - begin) / 1e9);
    replicas.lostAtSetup.putAll(lost);
    if (streamed != null) {
      replicas.feed = streamed.feed(shards, batch, seed, replicas::stepsPerEpoch, cluster.config().transport(),
          (w, push) -> replicas.proxy(w).call(ReplicaCalls.PUSH, push),
          (w, e) -> LOG.info("data feed to worker " + replicas.address(w) + " stopped: " + e.getMessage()));
    }
    return replicas;
  }

  /** The workers that are not up yet and may join at an epoch start (a scaled-up StatefulSet's pods). */
  @Override
  public int[] joinable() {
    int[] out = new int[addresses.size() - cluster.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = cluster.size() + i;
    }
    return out;
  }

  /**
   * Shares the training rows out over {@code live} (contiguous, nearly equal parts in worker
   * order) and sends each worker whose part changed its new rows; a worker not live gives up its
   * part.
   */
  @Override
  public Map<Integer, Future<Void>> shareRows(int[] live) {
    Map<Integer, int[]> changed = new TreeMap<>();
    synchronized (this) {
      Set<Integer> alive = new java.util.HashSet<>();
      for (int w : live) {
        alive.add(w);
      }
      for (int w = 0; w < shares.length; w++) {
        if (!alive.contains(w)) {
          shares[w] = null;
        }
      }
      for (int i = 0; i < live.length; i++) {
        int[] part = Dataset.shardRange(data.train().rows(), i, live.length);
        if (!java.util.Arrays.equals(part, shares[live[i]])) {
          shares[live[i]] = null;
          changed.put(live[i], part);
        }
      }
    }
    // Sent outside the lock: a large part waits for room in the connection's write queue, which the
    // event loop frees, and the event loop takes the lock to record a part that arrived.
    Map<Integer, Future<Void>> sending = new TreeMap<>();
    changed.forEach((w, part) -> {
      Dataset rows = data.train().slice(part[0], part[1]);
      // Streamed, the rows stay here: the worker drops its buffered batches of its old part and its
      // feed streams batches of the new part from its next step on.
      Future<?> sent = feed != null ? feed.reshard(w, rows) : proxy(w).call(ReplicaCalls.SHARE_ROWS, rows);
      sending.put(w, sent.map(steps -> {
        synchronized (this) {
          shares[w] = part;
        }
        return (Void) null;
      }));
    });
    return sending;
  }

  /** The workers lost while their data was being sent, with why; the run starts without them. */
  public Map<Integer, WorkerUnavailableException> lostAtSetup() {
    return Map.copyOf(lostAtSetup);
  }

  /** The data feed, or null when the workers hold their training rows. */
  public DataFeed feed() {
    return feed;
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

  /** Every worker that takes part or may join: the cluster's, then the {@link #joinable()} ones. */
  @Override
  public int size() {
    return addresses.size();
  }

  /** Whole batches per epoch in the smallest part of the training rows a worker holds. */
  @Override
  public synchronized int stepsPerEpoch() {
    int batch = setups.get(0).batch();
    int steps = Integer.MAX_VALUE;
    for (int[] part : shares) {
      if (part != null && batch > 0) {
        steps = Math.min(steps, BatchPlan.stepsPerEpoch(part[1] - part[0], batch));
      }
    }
    return steps == Integer.MAX_VALUE ? 0 : steps;
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

  /**
   * Connects again to worker {@code worker} (or for the first time, to one that joins) and sends it
   * the setup of the start without training rows: {@link #shareRows} sends those next.
   */
  @Override
  public Future<Void> reconnect(int worker) {
    Future<ProxyWorker> connecting = worker < cluster.size()
        ? cluster.reconnect(worker)
        : ProxyWorker.connect(cluster.vertx(), cluster.config(), addresses.get(worker), worker).map(fresh -> {
          ProxyWorker old;
          synchronized (joined) {
            old = joined[worker];
            joined[worker] = fresh;
          }
          if (old != null) {
            traffic.closed(old);
            old.close();
          }
          return fresh;
        }).compose(fresh -> fresh.stats()
            .map(st -> st.bytesOut())
            .otherwise(-1L)
            .map(bytesOut -> {
              traffic.joined(worker, bytesOut);
              return fresh;
            }));
    return connecting.compose(proxy -> {
      for (int slice = 0; slice < size(); slice++) {
        slicesSent.remove(worker * size() + slice);
      }
      synchronized (lending) {
        lending[worker] = null;
      }
      synchronized (this) {
        shares[worker] = null;
      }
      if (feed != null) {
        feed.stop(worker);
      }
      ReplicaSetup s = setups.get(worker);
      ReplicaSetup withoutRows = new ReplicaSetup(s.worker(), s.spec(), s.train().slice(0, 0), s.test(), s.batch(),
          s.seed(), s.start(), s.momentum(), s.format(), s.streaming());
      return proxy.call(ReplicaCalls.SETUP, withoutRows);
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
    return addresses.get(worker).toString();
  }

  @Override
  public synchronized long trainRows(int worker) {
    int[] part = shares[worker];
    return part == null ? 0 : part[1] - part[0];
  }

  /** Worker {@code worker}'s {@code k} most probable classes for the first {@code rows} rows of {@code images}. */
  public Future<TopK> predict(int worker, float[] images, int rows, int k) {
    return proxy(worker).call(ReplicaCalls.PREDICT, new ReplicaCalls.PredictRequest(images, rows, k));
  }

  private ProxyWorker proxy(int worker) {
    if (worker < cluster.size()) {
      return cluster.worker(worker);
    }
    synchronized (joined) {
      ProxyWorker p = joined[worker];
      if (p == null) {
        throw new WorkerUnavailableException(addresses.get(worker).toString(), "worker " + addresses.get(worker)
            + " has not joined this run yet", null);
      }
      return p;
    }
  }

  /**
   * Stops the data feed, if any, and closes the connections to workers that joined later (the
   * cluster closes its own).
   */
  @Override
  public void close() {
    if (feed != null) {
      feed.close();
    }
    synchronized (joined) {
      for (ProxyWorker p : joined) {
        if (p != null) {
          p.close();
        }
      }
    }
  }

  /** The workers that joined during the run (they are not in the cluster's list), in worker order. */
  public List<String> joinedWorkers() {
    return traffic.workers().stream().map(w -> addresses.get(w).toString()).toList();
  }

  /** Bytes the master sent to workers that joined during the run. */
  public long joinersBytesSent() {
    return traffic.sent(openJoiners());
  }

  /** Bytes the master received from workers that joined during the run. */
  public long joinersBytesReceived() {
    return traffic.received(openJoiners());
  }

  /**
   * Bytes the workers that joined during the run sent (to the master and each other) since they
   * joined, by their own counters; a joiner not connected now counts nothing.
   */
  public long joinersOwnBytesSent() {
    long sum = 0;
    for (int w : traffic.workers()) {
      ProxyWorker p;
      synchronized (joined) {
        p = joined[w];
      }
      if (p != null && p.isConnected()) {
        try {
          sum += traffic.sentSinceJoin(w, p.stats().await().bytesOut());
        } catch (RuntimeException e) {
          // Gone since: its bytes are not counted.
        }
      }
    }
    return sum;
  }

  private List<ProxyWorker> openJoiners() {
    synchronized (joined) {
      return java.util.Arrays.stream(joined).filter(java.util.Objects::nonNull).toList();
    }
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
