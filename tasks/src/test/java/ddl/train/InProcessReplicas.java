package ddl.train;

import ddl.train.replica.Replica;
import ddl.train.replica.ReplicaSetup;
import ddl.train.data.Dataset;
import ddl.train.data.TrainTest;
import ddl.train.driver.Evaluation;
import ddl.train.driver.FloatArrays;
import ddl.train.driver.Gradient;
import ddl.train.driver.GradientSource;
import ddl.train.driver.LocalReplicas;
import ddl.train.driver.ModelState;
import ddl.train.driver.WireFormat;
import ddl.train.feed.BatchPlan;
import ddl.train.nn.BatchStats;
import ddl.train.nn.GradientSink;
import ddl.train.nn.ModelCompute;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.ModelWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * Replicas computed in this process, for tests: either real {@link Replica}s (the code the workers
 * run) on the same shards a cluster would get, or a single worker whose batch is the union of what
 * {@code n} workers' batches would be.
 */
final class InProcessReplicas {
  static final float MOMENTUM = 0.9f;

  private InProcessReplicas() {}

  /** {@code n} replicas on the shards {@link ClusterReplicas} would send, starting from {@code init}. */
  static LocalReplicas sharded(TrainTest data, ModelSpec spec, ModelWeights init, int n, int batch, long seed,
      WireFormat format) {
    ModelState start = new ModelState(init.values(), FloatArrays.zerosLike(init.values()));
    List<GradientSource> made = new ArrayList<>();
    int steps = Integer.MAX_VALUE;
    for (int w = 0; w < n; w++) {
      Replica replica = new Replica(new ReplicaSetup(w, spec, data.train().shard(w, n), data.test().shard(w, n), batch,
          seed, start, MOMENTUM, format), "cpu");
      made.add(replica);
      steps = Math.min(steps, replica.info("in-process").stepsPerEpoch());
    }
    return new LocalReplicas(made, start, MOMENTUM, steps, format);
  }

  static LocalReplicas sharded(TrainTest data, ModelSpec spec, ModelWeights init, int n, int batch, long seed) {
    return sharded(data, spec, init, n, batch, seed, WireFormat.FP32);
  }

  /** One worker whose batch at each step is the union, in worker order, of {@code n} workers' batches. */
  static LocalReplicas combined(TrainTest data, ModelSpec spec, ModelWeights init, int n, int batch, long seed) {
    Combined c = new Combined(data, spec, n, batch, seed);
    ModelState start = new ModelState(init.values(), FloatArrays.zerosLike(init.values()));
    return new LocalReplicas(List.of(c), start, MOMENTUM, c.steps, WireFormat.FP32);
  }

  /** The single worker with the combined batch. */
  private static final class Combined implements GradientSource, AutoCloseable {
    final List<Dataset> shards = new ArrayList<>();
    final List<BatchPlan> plans = new ArrayList<>();
    final Dataset test;
    final ModelCompute compute;
    final int steps;
    final int batch;

    Combined(TrainTest data, ModelSpec spec, int n, int batch, long seed) {
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
      this.compute = new ModelCompute(spec, "cpu");
    }

    @Override
    public synchronized Gradient gradient(float[][] weights, int epoch, int step, TensorReady ready) {
      int features = test.features();
      int rows = batch * shards.size();
      float[] x = new float[rows * features];
      int[] y = new int[rows];
      int at = 0;
      for (int w = 0; w < shards.size(); w++) {
        Dataset shard = shards.get(w);
        for (int row : plans.get(w).rows(epoch, step)) {
          System.arraycopy(shard.images(), row * features, x, at * features, features);
          y[at++] = shard.labels()[row];
        }
      }
      float[][] values = new float[weights.length][];
      BatchStats s = compute.gradient(weights, x, y, rows, GradientSink.into(values));
      return new Gradient(values, s.loss(), s.correct(), s.rows(), 0);
    }

    @Override
    public synchronized Evaluation evaluate(float[][] weights, int slice) {
      var e = compute.evaluate(weights, test.images(), test.labels(), test.rows());
      return new Evaluation(e.lossSum(), e.correct(), e.count(), 0);
    }

    @Override
    public void close() {
      compute.close();
    }
  }
}
