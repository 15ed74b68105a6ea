package ddl.tasks.train;

import ddl.master.train.Evaluation;
import ddl.master.train.Gradient;
import ddl.master.train.GradientRequest;
import ddl.master.train.LocalStepsRequest;
import ddl.master.train.LocalStepsResult;
import ddl.master.train.Replicas;
import ddl.tasks.data.Dataset;
import ddl.tasks.data.TrainTest;
import ddl.tasks.nn.MlpCompute;
import ddl.tasks.nn.ModelWeights;
import ddl.tasks.nn.StepResult;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Replicas} computed in this process, for tests: either real {@link Replica}s (the code the
 * workers run) on the same shards a cluster would get, or a single worker whose batch is the union
 * of what {@code n} workers' batches would be.
 */
final class InProcessReplicas implements Replicas, AutoCloseable {
  private final List<Replica> replicas = new ArrayList<>();
  private final int steps;
  private final Combined combined;

  private InProcessReplicas(int steps, Combined combined) {
    this.steps = steps;
    this.combined = combined;
  }

  /** {@code n} replicas on the shards {@link ClusterReplicas} would send. */
  static InProcessReplicas sharded(TrainTest data, ModelWeights layout, int n, int batch, long seed) {
    List<Replica> made = new ArrayList<>();
    int steps = Integer.MAX_VALUE;
    for (int w = 0; w < n; w++) {
      Replica replica = new Replica(new ReplicaSetup(w, layout.names(), layout.shapes(), data.train().shard(w, n),
          data.test().shard(w, n), batch, seed), "cpu");
      made.add(replica);
      steps = Math.min(steps, replica.info("in-process").stepsPerEpoch());
    }
    InProcessReplicas out = new InProcessReplicas(steps, null);
    out.replicas.addAll(made);
    return out;
  }

  /** One worker whose batch at each step is the union, in worker order, of {@code n} workers' batches. */
  static InProcessReplicas combined(TrainTest data, ModelWeights layout, int n, int batch, long seed) {
    Combined c = new Combined(data, layout, n, batch, seed);
    return new InProcessReplicas(c.steps, c);
  }

  @Override
  public int size() {
    return combined != null ? 1 : replicas.size();
  }

  @Override
  public int stepsPerEpoch() {
    return steps;
  }


  @Override
  public Future<Gradient> gradient(int worker, GradientRequest request) {
    if (combined != null) {
      return Future.succeededFuture(combined.gradient(request));
    }
    return Future.succeededFuture(replicas.get(worker).gradient(request));
  }

  @Override
  public Future<LocalStepsResult> localSteps(int worker, LocalStepsRequest request) {
    return Future.succeededFuture(replicas.get(worker).localSteps(request));
  }

  @Override
  public Future<float[][]> localVelocity(int worker) {
    return Future.succeededFuture(replicas.get(worker).localVelocity());
  }

  @Override
  public Future<Evaluation> evaluate(int worker, float[][] weights) {
    if (combined != null) {
      return Future.succeededFuture(combined.evaluate(weights));
    }
    return Future.succeededFuture(replicas.get(worker).evaluate(weights));
  }

  @Override
  public void close() {
    replicas.forEach(Replica::close);
    if (combined != null) {
      combined.compute.close();
    }
  }

  /** The single worker with the combined batch. */
  private static final class Combined {
    final List<Dataset> shards = new ArrayList<>();
    final List<BatchPlan> plans = new ArrayList<>();
    final Dataset test;
    final ModelWeights layout;
    final MlpCompute compute = new MlpCompute("cpu");
    final int steps;
    final int batch;

    Combined(TrainTest data, ModelWeights layout, int n, int batch, long seed) {
      int s = Integer.MAX_VALUE;
      for (int w = 0; w < n; w++) {
        Dataset shard = data.train().shard(w, n);
        shards.add(shard);
        plans.add(new BatchPlan(shard.rows(), batch, seed, w));
        s = Math.min(s, BatchPlan.stepsPerEpoch(shard.rows(), batch));
      }
      this.steps = s;
      this.batch = batch;
      this.test = data.test();
      this.layout = layout;
    }

    Gradient gradient(GradientRequest r) {
      int features = test.features();
      int rows = batch * shards.size();
      float[] x = new float[rows * features];
      int[] y = new int[rows];
      int at = 0;
      for (int w = 0; w < shards.size(); w++) {
        Dataset shard = shards.get(w);
        for (int row : plans.get(w).rows(r.epoch(), r.step())) {
          System.arraycopy(shard.images(), row * features, x, at * features, features);
          y[at++] = shard.labels()[row];
        }
      }
      StepResult s = compute.gradient(model(r.weights()), x, y, rows);
      return new Gradient(s.gradients().values(), s.loss(), s.correct(), s.rows(), 0);
    }

    Evaluation evaluate(float[][] weights) {
      var e = compute.evaluate(model(weights), test.images(), test.labels(), test.rows());
      return new Evaluation(e.lossSum(), e.correct(), e.count(), 0);
    }

    private ModelWeights model(float[][] values) {
      return new ModelWeights(layout.names(), layout.shapes(), values);
    }
  }
}
