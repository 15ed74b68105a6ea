package ddl.train.replica;

import ddl.train.data.Dataset;
import ddl.train.driver.Evaluation;
import ddl.train.driver.ModelState;
import ddl.train.driver.Steps;
import ddl.train.feed.Credit;
import ddl.train.feed.Push;
import ddl.train.nn.TopK;
import ddl.train.ring.PeersExchange;
import ddl.train.ring.RingAllReduce;
import ddl.transport.RemoteCall;
import ddl.transport.RemoteFunction;
import ddl.transport.WorkerContext;
import java.time.Duration;

/**
 * The code the master ships to run a {@link Replica} on a worker. This class references only what
 * a worker needs (the replica, the messages, the model code), because shipping a lambda ships its
 * class and everything that class refers to.
 */
final class ReplicaCalls {
  private ReplicaCalls() {}

  /** Predictions of the first rows of some images, on the replica's weights: the images, how many rows, k. */
  record PredictRequest(float[] images, int rows, int k) {}

  /** Evaluation of test slice {@code slice}; its rows come along (once) when it is another worker's. */
  record SliceRequest(int slice, Dataset rows) {}

  static final RemoteFunction<ReplicaSetup, ReplicaInfo> SETUP = (ctx, setup) -> {
    ctx.remove(Replica.KEY);
    Replica replica = new Replica(setup, ctx.device());
    ctx.put(Replica.KEY, replica);
    return replica.info(ctx.workerAddress());
  };

  static final RemoteFunction<Dataset, Integer> SHARE_ROWS = (ctx, rows) -> replica(ctx).shareRows(rows);

  static final RemoteFunction<Push, Credit> PUSH = (ctx, p) -> replica(ctx).push(p);

  static final RemoteFunction<Steps.MasterStep, Steps.GradientReply> MASTER_STEP =
      (ctx, s) -> replica(ctx).model().masterStep(s);

  static final RemoteFunction<Steps.RingStep, Steps.StepStats> RING_STEP = (ctx, s) -> replica(ctx).model().ringStep(s);

  static final RemoteFunction<Steps.Apply, Boolean> APPLY = (ctx, a) -> {
    replica(ctx).model().apply(a);
    return true;
  };

  static final RemoteFunction<Steps.AsyncStep, Steps.GradientReply> ASYNC_STEP =
      (ctx, s) -> replica(ctx).model().asyncStep(s);

  static final RemoteFunction<Steps.LocalSteps, Steps.LocalResult> LOCAL_STEPS =
      (ctx, s) -> replica(ctx).model().localSteps(s);

  static final RemoteFunction<Steps.JoinRing, Boolean> JOIN_RING = (ctx, j) -> {
    Replica r = replica(ctx);
    Duration timeout = Duration.ofMillis(j.timeoutMillis());
    r.model().joinRing(new RingAllReduce(new PeersExchange(ctx.peers(), j.box(), j.rank(), j.members(), timeout),
        j.rank(), j.members().size(), r.model().format(), timeout));
    return true;
  };

  static final RemoteCall<Long> CHECKSUM = ctx -> replica(ctx).model().checksum();

  static final RemoteCall<ModelState> STATE = ctx -> replica(ctx).model().state();

  static final RemoteFunction<ModelState, Boolean> SET_STATE = (ctx, s) -> {
    replica(ctx).model().setState(s);
    return true;
  };

  static final RemoteFunction<SliceRequest, Evaluation> EVALUATE_SLICE = (ctx, r) -> {
    Replica replica = replica(ctx);
    if (r.rows() != null) {
      replica.adopt(r.slice(), r.rows());
    }
    return replica.model().evaluate(r.slice());
  };

  static final RemoteFunction<PredictRequest, TopK> PREDICT =
      (ctx, r) -> replica(ctx).predict(r.images(), r.rows(), r.k());

  private static Replica replica(WorkerContext ctx) {
    Replica r = ctx.get(Replica.KEY);
    if (r == null) {
      throw new IllegalStateException("this session has no training replica on " + ctx.workerAddress()
          + "; the master must send ReplicaSetup first (did the session reset?)");
    }
    return r;
  }
}
