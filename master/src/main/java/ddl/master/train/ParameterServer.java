package ddl.master.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Asynchronous SGD with the master as parameter server. Each worker loops on its own: it gets the
 * current weights, computes a gradient on its next batch, and the master applies that gradient as
 * soon as it arrives, weighted {@code 1 / workers} (so that a full round of gradients moves the
 * model as far as one synchronous step); the next request carries the fresh weights. A
 * {@link StalenessGate} bounds how many steps the fastest worker may be ahead of the slowest;
 * with bound 0 the result equals {@link SyncSgd} up to rounding, because every worker then starts
 * step {@code k + 1} only after all gradients of step {@code k} were applied.
 */
public final class ParameterServer implements Trainer {
  private final Replicas replicas;
  private final TrainingPlan plan;
  private final float[][] weights;
  private final MomentumSgd optimizer;
  private final int staleness;
  private final Object lock = new Object();
  private long applied;

  /**
   * Trains {@code weights} (changed in place) from {@code optimizer}'s velocity, with at most
   * {@code staleness} steps between the fastest and the slowest worker ({@code < 0}: unbounded).
   */
  public ParameterServer(Replicas replicas, TrainingPlan plan, float[][] weights, MomentumSgd optimizer,
      int staleness) {
    this.replicas = replicas;
    this.plan = plan;
    this.weights = weights;
    this.optimizer = optimizer;
    this.staleness = staleness;
  }

  @Override
  public EpochTotals runEpoch(int epoch, StepListener listener) {
    int n = replicas.size();
    synchronized (lock) {
      applied = plan.globalStep(epoch, 0) * n;
    }
    StalenessGate gate = new StalenessGate(n, staleness);
    Totals totals = new Totals();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long epochStart = System.nanoTime();
    List<Thread> loops = new ArrayList<>(n);
    for (int w = 0; w < n; w++) {
      int worker = w;
      loops.add(Thread.ofVirtual().name("ps-worker-" + w).start(() -> {
        try {
          workerLoop(worker, epoch, gate, totals, listener);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          gate.fail(e);
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
    if (failure.get() != null) {
      Throwable e = failure.get();
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
    return totals.result(plan.stepsPerEpoch(), System.nanoTime() - epochStart);
  }

  private void workerLoop(int worker, int epoch, StalenessGate gate, Totals totals, StepListener listener)
      throws InterruptedException {
    int n = replicas.size();
    for (int step = 0; step < plan.stepsPerEpoch(); step++) {
      long waited = gate.awaitTurn(worker);
      long start = System.nanoTime();
      float[][] snapshot;
      synchronized (lock) {
        snapshot = FloatArrays.copy(weights);
      }
      long sent = System.nanoTime();
      Gradient g = replicas.gradient(worker, new GradientRequest(snapshot, epoch, step)).await();
      long replied = System.nanoTime();
      synchronized (lock) {
        float lr = plan.learningRate().at(applied / n);
        optimizer.stepShare(weights, g.values(), 1f / n, lr, applied % n == 0);
        applied++;
      }
      gate.finished(worker);
      long done = System.nanoTime();
      long roundTrip = replied - sent;
      long compute = Math.min(g.computeNanos(), roundTrip);
      totals.add(g, new TimeSplit(compute, roundTrip - compute, (sent - start) + (done - replied), waited));
      listener.stepDone(epoch, step, g.loss());
    }
  }

  /** The staleness bound ({@code < 0}: unbounded). */
  public int staleness() {
    return staleness;
  }

  @Override
  public float[][] weights() {
    return weights;
  }

  @Override
  public float[][] velocity() {
    synchronized (lock) {
      return FloatArrays.copy(optimizer.velocity());
    }
  }

  @Override
  public String describe() {
    return "async SGD: parameter server, " + replicas.size() + " workers, staleness "
        + (staleness < 0 ? "unbounded" : staleness + (staleness == 0 ? " (lock step)" : " steps"));
  }

  /** Sums over the workers' loops. */
  private static final class Totals {
    private long samples;
    private long correct;
    private double lossSum;
    private TimeSplit split = TimeSplit.ZERO;

    synchronized void add(Gradient g, TimeSplit t) {
      samples += g.rows();
      correct += g.correct();
      lossSum += (double) g.loss() * g.rows();
      split = split.plus(t);
    }

    synchronized EpochTotals result(int steps, long nanos) {
      return new EpochTotals(steps, samples, lossSum, correct, nanos, split);
    }
  }
}
