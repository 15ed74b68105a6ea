package ddl.train.driver;

import ddl.transport.WorkerUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Asynchronous SGD with the master as parameter server. Each worker loops on its own: it computes
 * a gradient on its next batch at the weights its replica holds; the master applies that gradient
 * as soon as it arrives, weighted {@code 1 / workers} (a full round of gradients moves the model
 * as far as one synchronous step), and answers with the change that brings the worker's replica
 * to the fresh weights (a delta, which travels in bfloat16 too without drifting: the master keeps
 * what each replica holds, computed as the replica computes it). At each epoch's end every
 * replica is set to the master's weights exactly.
 *
 * <p>A {@link StalenessGate} bounds how many steps the fastest worker may be ahead of the slowest:
 * a worker too far ahead gets its answer only once the slowest has caught up, and then gets the
 * weights of that moment. Weights are handed out only when a gradient is applied (or an epoch
 * starts), and all workers released by the same event get the same copy; so with bound 0 every
 * worker computes step {@code k + 1} on exactly the weights after all gradients of step {@code k},
 * and the result equals {@link SyncSgd} up to rounding.
 *
 * <p>A gradient counts {@code 1 / live workers}, and a round (one global step of the learning-rate
 * schedule) is one gradient from each live worker. A worker lost mid-epoch ({@link
 * WorkerUnavailableException}) stops its loop and is removed from the gate, so the others never wait
 * for it; a worker's own failure stops the run.
 */
public final class ParameterServer implements Trainer {
  private final Replicas replicas;
  private TrainingPlan plan;
  private final float[][] weights;
  private final MomentumSgd optimizer;
  private final WireFormat format;
  /** What each worker's replica holds, as the master reckons it. */
  private final float[][][] copies;
  private final int staleness;
  private final LiveWorkers workers;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private StalenessGate gate;
  private float[][][] handed;
  private boolean[] waiting;
  private Throwable failure;
  private long globalStep;
  private int inRound;
  private long widestSpread;

  /**
   * Trains from {@code start} (the state every replica was set to), with at most {@code staleness}
   * steps between the fastest and the slowest worker ({@code < 0}: unbounded).
   */
  public ParameterServer(Replicas replicas, LiveWorkers workers, TrainingPlan plan, ModelState start,
      int staleness, WireFormat format) {
    this.replicas = replicas;
    this.workers = workers;
    this.plan = plan;
    this.weights = FloatArrays.copy(start.weights());
    this.optimizer = MomentumSgd.resume(plan.momentum(), start.velocity());
    this.staleness = staleness;
    this.format = format;
    this.copies = new float[workers.size()][][];
    for (int w = 0; w < copies.length; w++) {
      copies[w] = FloatArrays.copy(weights);
    }
  }

  @Override
  public void startEpoch(int epoch) {
    int[] rejoined = workers.takeRejoined();
    if (rejoined.length > 0) {
      ReplicaChecks.setState(replicas, workers, rejoined, state(),
          "the start of epoch " + (epoch + 1) + " (bringing rejoined workers up to date)");
      for (int w : rejoined) {
        copies[w] = FloatArrays.copy(weights);
      }
    }
  }

  @Override
  public EpochTotals runEpoch(int epoch, StepListener listener) {
    int n = workers.size();
    int[] live = workers.live();
    lock.lock();
    try {
      globalStep = plan.globalStep(epoch, 0);
      inRound = 0;
      gate = new StalenessGate(n, staleness);
      for (int w : workers.lost()) {
        gate.remove(w);
      }
      failure = null;
      waiting = new boolean[n];
      handed = new float[n][][];
      float[][] start = FloatArrays.copy(weights);
      for (int w : live) {
        handed[w] = start;
      }
    } finally {
      lock.unlock();
    }
    EpochTally totals = new EpochTally();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    long epochStart = System.nanoTime();
    List<Thread> loops = new ArrayList<>(live.length);
    for (int w : live) {
      int worker = w;
      loops.add(Thread.ofVirtual().name("ps-worker-" + w).start(() -> {
        try {
          workerLoop(worker, epoch, totals, listener);
        } catch (Throwable e) {
          firstFailure.compareAndSet(null, e);
          fail(e);
        }
      }));
    }
    for (Thread t : loops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while training", e);
      }
    }
    Throwable e = firstFailure.get();
    if (e != null) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
    return totals.result(plan.stepsPerEpoch(), System.nanoTime() - epochStart);
  }

  private void workerLoop(int worker, int epoch, EpochTally totals, StepListener listener) throws InterruptedException {
    float[][] start = exchange(worker, null, true);
    float[][] current = start;
    for (int step = 0; step < plan.stepsPerEpoch(); step++) {
      long sent = System.nanoTime();
      WireFormat.Packed delta = current == start && step == 0 ? null : deltaFor(worker, current);
      var reply = Replies.settle(replicas.asyncStep(worker, new Steps.AsyncStep(epoch, step, delta)));
      if (reply.failed() && reply.cause() instanceof WorkerUnavailableException e) {
        lost(worker, LiveWorkers.at(epoch, step, plan.stepsPerEpoch()), e);
        return;
      } else if (reply.failed()) {
        throw Replies.rethrow(reply.cause());
      }
      Steps.GradientReply g = reply.result();
      boolean skip = plan.skips(epoch, step, g.loss());
      if (skip) { // a NaN or infinite loss: apply nothing for this step
        g = new Steps.GradientReply(format.pack(FloatArrays.zerosLike(copies[worker])), 0f, 0, 0, g.computeNanos());
      }
      long replied = System.nanoTime();
      boolean more = step + 1 < plan.stepsPerEpoch();
      long[] times = new long[2];
      current = exchange(worker, g, more, times);
      long roundTrip = replied - sent;
      long compute = Math.min(g.computeNanos(), roundTrip);
      totals.add(g.rows(), g.correct(), (double) g.loss() * g.rows());
      totals.add(new TimeSplit(compute, roundTrip - compute, times[0], times[1]));
      listener.stepDone(epoch, step, g.loss());
    }
  }

  private float[][] exchange(int worker, Steps.GradientReply g, boolean next) throws InterruptedException {
    return exchange(worker, g, next, new long[2]);
  }

  /**
   * The change that brings worker {@code worker}'s replica to {@code target}, in the wire format;
   * the master's record of the replica changes exactly as the replica will.
   */
  private WireFormat.Packed deltaFor(int worker, float[][] target) {
    WireFormat.Packed delta = format.pack(FloatArrays.difference(target, copies[worker]));
    FloatArrays.addInto(copies[worker], delta.unpack());
    return delta;
  }

  /**
   * Applies {@code g} (if any) and, if {@code next}, waits for the weights of this worker's next
   * step. {@code times} receives the nanoseconds spent applying and waiting.
   */
  private float[][] exchange(int worker, Steps.GradientReply g, boolean next, long[] times) throws InterruptedException {
    long start = System.nanoTime();
    lock.lock();
    try {
      if (g != null) {
        int live = workers.liveCount();
        float lr = plan.learningRate().at(globalStep);
        optimizer.stepShare(weights, g.values().unpack(), 1f / live, lr, inRound == 0);
        inRound++;
        closeRoundIfComplete();
        gate.finished(worker);
        widestSpread = Math.max(widestSpread, gate.spread());
      }
      if (next && handed[worker] == null) {
        waiting[worker] = true;
      }
      releaseEligible();
      long appliedAt = System.nanoTime();
      times[0] = appliedAt - start;
      if (!next) {
        return null;
      }
      while (handed[worker] == null && failure == null) {
        released.await(1, TimeUnit.SECONDS);
      }
      if (failure != null) {
        throw new IllegalStateException("training stopped: a worker failed: " + failure.getMessage(), failure);
      }
      float[][] w = handed[worker];
      handed[worker] = null;
      times[1] = System.nanoTime() - appliedAt;
      return w;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the round once it holds a gradient from each live worker: the next gradient starts a new step. */
  private void closeRoundIfComplete() {
    if (inRound >= workers.liveCount()) {
      inRound = 0;
      globalStep++;
    }
  }

  /**
   * {@code worker} is lost: marks it so (which throws if none is left), takes it out of the gate
   * so that nobody waits for it, and releases whoever was waiting for it.
   */
  private void lost(int worker, String when, WorkerUnavailableException cause) {
    workers.lose(worker, when, cause);
    lock.lock();
    try {
      gate.remove(worker);
      waiting[worker] = false;
      handed[worker] = null;
      closeRoundIfComplete();
      releaseEligible();
    } finally {
      lock.unlock();
    }
  }

  /** Hands one copy of the current weights to every waiting worker the gate now lets start. */
  private void releaseEligible() {
    float[][] shared = null;
    for (int w = 0; w < waiting.length; w++) {
      if (waiting[w] && gate.mayStart(w)) {
        if (shared == null) {
          shared = FloatArrays.copy(weights);
        }
        handed[w] = shared;
        waiting[w] = false;
      }
    }
    if (shared != null) {
      released.signalAll();
    }
  }

  private void fail(Throwable cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      released.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The staleness bound ({@code < 0}: unbounded). */
  public int staleness() {
    return staleness;
  }

  /**
   * The most finished steps the fastest worker was ever ahead of the slowest: at most the bound
   * plus one (the step a worker may start while {@code bound} ahead).
   */
  public long widestSpread() {
    lock.lock();
    try {
      return widestSpread;
    } finally {
      lock.unlock();
    }
  }

  /** The master's weights and velocity (copies). */
  private ModelState state() {
    lock.lock();
    try {
      return new ModelState(FloatArrays.copy(weights), FloatArrays.copy(optimizer.velocity()));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ModelState endEpoch(int epoch) {
    ModelState state = state();
    ReplicaChecks.setState(replicas, workers, workers.live(), state, "the end of epoch " + (epoch + 1));
    for (int w : workers.live()) {
      copies[w] = FloatArrays.copy(weights);
    }
    ReplicaChecks.requireAgreement(replicas, workers, epoch + 1);
    return state;
  }

  @Override
  public void replan(TrainingPlan plan) {
    this.plan = plan;
  }

  @Override
  public LiveWorkers workers() {
    return workers;
  }

  @Override
  public String describe() {
    return "async SGD: parameter server, " + workers.joinedCount() + " workers, staleness "
        + (staleness < 0 ? "unbounded" : staleness + (staleness == 0 ? " (lock step)" : " steps"))
        + (format == WireFormat.BF16 ? ", bf16 on the wire" : "");
  }
}
