package ddl.tasks.train;

import ddl.master.train.Evaluation;
import ddl.master.train.Gradient;
import ddl.master.train.GradientRequest;
import ddl.master.train.LocalStepsRequest;
import ddl.master.train.LocalStepsResult;
import ddl.tasks.data.Dataset;
import ddl.tasks.nn.TopK;
import ddl.transport.RemoteCall;
import ddl.transport.RemoteFunction;
import ddl.transport.WorkerContext;

/**
 * The code the master ships to run a {@link Replica} on a worker. This class references only what
 * a worker needs (the replica, the messages, the model code), because shipping a lambda ships its
 * class and everything that class refers to.
 */
final class ReplicaCalls {
  private ReplicaCalls() {}

  /** Predictions of the first rows of some images: the model, the images, how many rows, k. */
  record PredictRequest(float[][] weights, float[] images, int rows, int k) {}

  /**
   * Evaluation of another worker's test slice: which slice, its rows (null once this worker holds
   * them), the model.
   */
  record SliceRequest(int slice, Dataset rows, float[][] weights) {}

  static final RemoteFunction<ReplicaSetup, ReplicaInfo> SETUP = (ctx, setup) -> {
    ctx.remove(Replica.KEY);
    Replica replica = new Replica(setup, ctx.device());
    ctx.put(Replica.KEY, replica);
    return replica.info(ctx.workerAddress());
  };

  static final RemoteFunction<GradientRequest, Gradient> GRADIENT = (ctx, r) -> replica(ctx).gradient(r);

  static final RemoteFunction<LocalStepsRequest, LocalStepsResult> LOCAL_STEPS =
      (ctx, r) -> replica(ctx).localSteps(r);

  static final RemoteCall<float[][]> LOCAL_VELOCITY = ctx -> replica(ctx).localVelocity();

  static final RemoteFunction<float[][], Evaluation> EVALUATE = (ctx, w) -> replica(ctx).evaluate(w);

  static final RemoteFunction<SliceRequest, Evaluation> EVALUATE_SLICE =
      (ctx, r) -> replica(ctx).evaluateSlice(r.slice(), r.rows(), r.weights());

  static final RemoteFunction<PredictRequest, TopK> PREDICT =
      (ctx, r) -> replica(ctx).predict(r.weights(), r.images(), r.rows(), r.k());

  private static Replica replica(WorkerContext ctx) {
    Replica r = ctx.get(Replica.KEY);
    if (r == null) {
      throw new IllegalStateException("this session has no training replica on " + ctx.workerAddress()
          + "; the master must send ReplicaSetup first (did the session reset?)");
    }
    return r;
  }
}
