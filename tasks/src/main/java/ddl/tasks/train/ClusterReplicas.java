package ddl.tasks.train;

import ddl.master.Cluster;
import ddl.master.ProxyWorker;
import ddl.master.train.Evaluation;
import ddl.master.train.Gradient;
import ddl.master.train.GradientRequest;
import ddl.master.train.LocalStepsRequest;
import ddl.master.train.LocalStepsResult;
import ddl.master.train.Replicas;
import ddl.tasks.data.Dataset;
import ddl.tasks.data.TrainTest;
import ddl.tasks.nn.TopK;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Replicas} on the workers of a {@link Cluster}: sends each worker its training shard and
 * test slice once, then every driver request is one RPC carrying only float arrays. It keeps the
 * setups, so that a lost worker can be set up again when it comes back, and a lost worker's test
 * slice can be sent to another (once; that worker keeps it).
 */
public final class ClusterReplicas implements Replicas {
  private final Cluster cluster;
  private final List<ReplicaSetup> setups;
  private final List<ReplicaInfo> infos;
  private final int stepsPerEpoch;
  private final double setupSeconds;
  /** Which (evaluator, slice) pairs have had the slice's rows sent, as {@code evaluator * size + slice}. */
  private final Set<Integer> slicesSent = ConcurrentHashMap.newKeySet();

  private ClusterReplicas(Cluster cluster, List<ReplicaSetup> setups, List<ReplicaInfo> infos, double setupSeconds) {
    this.cluster = cluster;
    this.setups = List.copyOf(setups);
    this.infos = List.copyOf(infos);
    this.stepsPerEpoch = infos.stream().mapToInt(ReplicaInfo::stepsPerEpoch).min().orElse(0);
    this.setupSeconds = setupSeconds;
  }

  /**
   * Shards {@code data} over the cluster's workers (contiguous, nearly equal parts), sends each
   * worker its parts and the model layout, and waits until every worker holds them.
   */
  public static ClusterReplicas start(Cluster cluster, TrainTest data, String[] names, int[][] shapes, int batch,
      long seed) {
    int n = cluster.size();
    long start = System.nanoTime();
    List<ReplicaSetup> setups = new ArrayList<>(n);
    for (int w = 0; w < n; w++) {
      Dataset train = data.train().shard(w, n);
      Dataset test = data.test().shard(w, n);
      setups.add(new ReplicaSetup(w, names, shapes, train, test, batch, seed));
    }
    List<ReplicaInfo> infos = cluster.scatter(setups, ReplicaCalls.SETUP).await();
    return new ClusterReplicas(cluster, setups, infos, (System.nanoTime() - start) / 1e9);
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
  public Future<Gradient> gradient(int worker, GradientRequest request) {
    return proxy(worker).call(ReplicaCalls.GRADIENT, request);
  }

  @Override
  public Future<LocalStepsResult> localSteps(int worker, LocalStepsRequest request) {
    return proxy(worker).call(ReplicaCalls.LOCAL_STEPS, request);
  }

  @Override
  public Future<float[][]> localVelocity(int worker) {
    return proxy(worker).call(ReplicaCalls.LOCAL_VELOCITY);
  }

  @Override
  public Future<Evaluation> evaluate(int worker, float[][] weights) {
    return proxy(worker).call(ReplicaCalls.EVALUATE, weights);
  }

  @Override
  public Future<Evaluation> evaluateSlice(int on, int slice, float[][] weights) {
    if (on == slice) {
      return evaluate(on, weights);
    }
    int key = on * size() + slice;
    boolean first = slicesSent.add(key);
    Dataset rows = first ? setups.get(slice).test() : null;
    return proxy(on).call(ReplicaCalls.EVALUATE_SLICE, new ReplicaCalls.SliceRequest(slice, rows, weights))
        .onFailure(e -> slicesSent.remove(key));
  }

  /** Connects again to worker {@code worker} and sends it the same setup as at the start. */
  @Override
  public Future<Void> reconnect(int worker) {
    return cluster.reconnect(worker).compose(proxy -> {
      for (int slice = 0; slice < size(); slice++) {
        slicesSent.remove(worker * size() + slice);
      }
      return proxy.call(ReplicaCalls.SETUP, setups.get(worker));
    }).mapEmpty();
  }

  @Override
  public String address(int worker) {
    return cluster.config().workers().get(worker).toString();
  }

  @Override
  public long trainRows(int worker) {
    return setups.get(worker).train().rows();
  }

  /** Worker {@code worker}'s {@code k} most probable classes for the first {@code rows} rows of {@code images}. */
  public Future<TopK> predict(int worker, float[][] weights, float[] images, int rows, int k) {
    return proxy(worker).call(ReplicaCalls.PREDICT, new ReplicaCalls.PredictRequest(weights, images, rows, k));
  }

  private ProxyWorker proxy(int worker) {
    return cluster.worker(worker);
  }
}
