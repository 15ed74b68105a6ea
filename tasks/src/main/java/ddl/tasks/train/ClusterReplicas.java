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

/**
 * {@link Replicas} on the workers of a {@link Cluster}: sends each worker its training shard and
 * test slice once, then every driver request is one RPC carrying only float arrays.
 */
public final class ClusterReplicas implements Replicas {
  private final Cluster cluster;
  private final List<ReplicaInfo> infos;
  private final int stepsPerEpoch;
  private final double setupSeconds;

  private ClusterReplicas(Cluster cluster, List<ReplicaInfo> infos, double setupSeconds) {
    this.cluster = cluster;
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
    return new ClusterReplicas(cluster, infos, (System.nanoTime() - start) / 1e9);
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

  /** Worker {@code worker}'s {@code k} most probable classes for the first {@code rows} rows of {@code images}. */
  public Future<TopK> predict(int worker, float[][] weights, float[] images, int rows, int k) {
    return proxy(worker).call(ReplicaCalls.PREDICT, new ReplicaCalls.PredictRequest(weights, images, rows, k));
  }

  private ProxyWorker proxy(int worker) {
    return cluster.worker(worker);
  }
}
