package ddl.train.driver;

import ddl.train.ring.RingAllReduce;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One worker's replica of the model: its weights and optimizer state stay here for the whole run,
 * and each driver's step changes them the same way on every replica, so replicas agree without
 * weights travelling (a checksum proves it each epoch). With a ring, the gradients are averaged
 * between the workers themselves, each tensor as soon as backward has produced it, while earlier
 * layers are still being computed. Not thread-safe: one driver call at a time.
 */
public final class ReplicaModel implements AutoCloseable {
  /** Ring operations per step: one per tensor, numbered within the step. */
  private static final int OPS_PER_STEP = 1 << 10;

  private final GradientSource source;
  private final WireFormat format;
  private final float momentum;
  private final ExecutorService comm = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "replica-allreduce");
    t.setDaemon(true);
    return t;
  });
  private float[][] weights;
  private MomentumSgd optimizer;
  private float[][] pending;
  private long pendingStep = -1;
  private float[][] anchor;
  private ModelState roundStart;
  private long roundStep = -1;
  private RingAllReduce ring;

  public ReplicaModel(GradientSource source, ModelState initial, float momentum, WireFormat format) {
    this.source = source;
    this.format = format;
    this.momentum = momentum;
    setState(initial);
  }

  /** Replaces the weights and velocity (start, resume, a rejoining worker); drops anything pending. */
  public synchronized void setState(ModelState state) {
    setWeightsAndVelocity(state);
    pending = null;
    pendingStep = -1;
    anchor = null;
    roundStart = null;
    roundStep = -1;
  }

  private void setWeightsAndVelocity(ModelState state) {
    weights = FloatArrays.copy(state.weights());
    optimizer = MomentumSgd.resume(momentum, state.velocity());
  }

  /** A copy of the weights and velocity. */
  public synchronized ModelState state() {
    return new ModelState(FloatArrays.copy(weights), FloatArrays.copy(optimizer.velocity()));
  }

  /** How this replica's gradients and deltas travel. */
  public WireFormat format() {
    return format;
  }

  /** The weights themselves (not a copy). */
  public float[][] weights() {
    return weights;
  }

  /** Makes this replica a member of {@code ring} from now on. */
  public synchronized void joinRing(RingAllReduce newRing) {
    if (ring != null) {
      ring.close();
    }
    this.ring = newRing;
  }

  /** A 64-bit hash of the weights: equal on replicas whose weights agree bit for bit. */
  public synchronized long checksum() {
    return FloatArrays.checksum(weights);
  }

  /** Sync SGD through the master (see {@link Steps.MasterStep}). */
  public synchronized Steps.GradientReply masterStep(Steps.MasterStep s) {
    if (s.applyFirst() != null) {
      optimizer.step(weights, s.applyFirst().unpack(), s.applyRate());
    }
    Gradient g = source.gradient(weights, s.epoch(), s.step(), GradientSource.TensorReady.NONE);
    return new Steps.GradientReply(format.pack(g.values()), g.loss(), g.correct(), g.rows(), g.computeNanos());
  }

  /** Sync SGD with the ring (see {@link Steps.RingStep}). */
  public synchronized Steps.StepStats ringStep(Steps.RingStep s) throws InterruptedException {
    requireRing();
    // Bound to this ring: a reduction left queued by a failed attempt must never run on the next ring.
    RingAllReduce stepRing = ring;
    commit(s.commitStep(), s.commitRate());
    long start = System.nanoTime();
    List<Future<?>> reducing = new ArrayList<>();
    long base = s.stepId() * OPS_PER_STEP;
    int[] order = {0};
    long[] bytes = {0};
    boolean[] handed = new boolean[weights.length];
    GradientBuckets buckets = new GradientBuckets();
    Consumer<GradientBuckets.Bucket> reduceBucket = bucket -> {
      long op = base + order[0]++;
      bytes[0] += stepRing.bytesSent((int) bucket.values());
      reducing.add(comm.submit(() -> {
        float[] flat = bucket.pack();
        stepRing.meanInPlace(op, flat, 0, flat.length);
        bucket.unpack(flat);
        return null;
      }));
    };
    GradientSource.TensorReady reduce = (tensor, values) -> {
      handed[tensor] = true;
      if (buckets.add(values)) {
        reduceBucket.accept(buckets.drain());
      }
    };
    Gradient g = source.gradient(weights, s.epoch(), s.step(), reduce);
    long computed = System.nanoTime();
    for (int t = weights.length - 1; t >= 0; t--) {
      if (!handed[t]) {
        reduce.ready(t, g.values()[t]); // a source that hands out nothing early: reduce the rest now
      }
    }
    if (!buckets.isEmpty()) {
      reduceBucket.accept(buckets.drain());
    }
    await(reducing);
    long reduced = System.nanoTime();
    pending = g.values();
    pendingStep = s.stepId();
    return new Steps.StepStats(g.loss(), g.correct(), g.rows(), computed - start, reduced - computed, bytes[0]);
  }

  /** Applies the pending ring update if it is the one of step {@code step}. */
  private void commit(long step, float rate) {
    if (pending != null && pendingStep == step && step >= 0) {
      optimizer.step(weights, pending, rate);
    }
    pending = null;
    pendingStep = -1;
  }

  /** An epoch's last update (see {@link Steps.Apply}). */
  public synchronized void apply(Steps.Apply a) {
    if (a.mean() != null) {
      optimizer.step(weights, a.mean().unpack(), a.rate());
    } else {
      commit(a.commitStep(), a.rate());
    }
  }

  /** Async SGD (see {@link Steps.AsyncStep}). */
  public synchronized Steps.GradientReply asyncStep(Steps.AsyncStep s) {
    if (s.delta() != null) {
      FloatArrays.addInto(weights, s.delta().unpack());
    }
    Gradient g = source.gradient(weights, s.epoch(), s.step(), GradientSource.TensorReady.NONE);
    return new Steps.GradientReply(format.pack(g.values()), g.loss(), g.correct(), g.rows(), g.computeNanos());
  }

  /**
   * Model averaging (see {@link Steps.LocalSteps}). A round run again with the same step id (the
   * ring broke the first time) starts again from where the first attempt started.
   */
  public synchronized Steps.LocalResult localSteps(Steps.LocalSteps s) throws InterruptedException {
    if (s.meanDelta() != null && anchor != null) {
      adopt(s.meanDelta().unpack());
    }
    if (s.learningRates().length == 0) {
      anchor = null;
      return new Steps.LocalResult(null, 0, 0, 0, 0, 0);
    }
    if (s.stepId() == roundStep && roundStart != null) {
      setWeightsAndVelocity(roundStart);
    } else {
      roundStart = state();
      roundStep = s.stepId();
    }
    anchor = FloatArrays.copy(weights);
    long start = System.nanoTime();
    double lossSum = 0;
    int correct = 0;
    int rows = 0;
    for (int j = 0; j < s.learningRates().length; j++) {
      Gradient g = source.gradient(weights, s.epoch(), s.firstStep() + j, GradientSource.TensorReady.NONE);
      optimizer.step(weights, g.values(), s.learningRates()[j]);
      lossSum += g.loss();
      correct += g.correct();
      rows += g.rows();
    }
    float[][] delta = FloatArrays.difference(weights, anchor);
    long computed = System.nanoTime();
    if (!s.ring()) {
      return new Steps.LocalResult(format.pack(delta), lossSum, correct, rows, computed - start, 0);
    }
    requireRing();
    long op = s.stepId() * OPS_PER_STEP;
    GradientBuckets buckets = new GradientBuckets();
    for (int t = 0; t < delta.length; t++) {
      if (buckets.add(delta[t]) || t == delta.length - 1) {
        GradientBuckets.Bucket bucket = buckets.drain();
        float[] flat = bucket.pack();
        ring.meanInPlace(op++, flat, 0, flat.length);
        bucket.unpack(flat);
      }
    }
    adopt(delta);
    anchor = null;
    roundStart = null;
    return new Steps.LocalResult(null, lossSum, correct, rows, computed - start, System.nanoTime() - computed);
  }

  /** Moves the weights to the anchor plus the workers' mean delta. */
  private void adopt(float[][] meanDelta) {
    FloatArrays.copyInto(anchor, weights);
    FloatArrays.addInto(weights, meanDelta);
  }

  /** Loss and accuracy of this replica's weights on test slice {@code slice}. */
  public synchronized Evaluation evaluate(int slice) {
    return source.evaluate(weights, slice);
  }

  private void requireRing() {
    if (ring == null) {
      throw new IllegalStateException("this replica is in no ring; the master must send JoinRing first");
    }
  }

  /** Waits for every reduction; when one fails or the wait is interrupted, the others are cancelled. */
  private static void await(List<Future<?>> futures) throws InterruptedException {
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof InterruptedException i) {
        throw i;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      throw e;
    }
  }

  @Override
  public void close() {
    comm.shutdownNow();
    RingAllReduce r = ring;
    if (r != null) {
      r.close();
    }
  }
}
