package ddl.master.train;

import ddl.transport.RemoteException;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * In-process workers that can be lost: wraps other {@link Replicas} and, from a chosen step on,
 * fails one worker's calls as a closed connection would ({@link WorkerUnavailableException}) or as
 * a bug in the worker's code would ({@link RemoteException}). Counts each worker's gradient calls.
 */
final class FlakyReplicas implements Replicas {
  private final Replicas inner;
  private final int[] lostFromEpoch;
  private final int[] lostFromStep;
  private final boolean[] remoteBug;
  private final boolean[] comesBack;
  private final boolean[] gone;
  private final AtomicIntegerArray gradientCalls;
  private final AtomicIntegerArray reconnects;

  FlakyReplicas(Replicas inner) {
    this.inner = inner;
    int n = inner.size();
    this.lostFromEpoch = new int[n];
    this.lostFromStep = new int[n];
    java.util.Arrays.fill(lostFromEpoch, Integer.MAX_VALUE);
    this.remoteBug = new boolean[n];
    this.comesBack = new boolean[n];
    this.gone = new boolean[n];
    this.gradientCalls = new AtomicIntegerArray(n);
    this.reconnects = new AtomicIntegerArray(n);
  }

  /** Worker {@code worker} is unreachable from step {@code step} of 0-based epoch {@code epoch} on. */
  FlakyReplicas lose(int worker, int epoch, int step) {
    lostFromEpoch[worker] = epoch;
    lostFromStep[worker] = step;
    return this;
  }

  /** Worker {@code worker}'s code throws from step {@code step} of {@code epoch} on. */
  FlakyReplicas bug(int worker, int epoch, int step) {
    remoteBug[worker] = true;
    return lose(worker, epoch, step);
  }

  /** A lost worker {@code worker} answers again when reconnected. */
  FlakyReplicas comesBack(int worker) {
    comesBack[worker] = true;
    return this;
  }

  int gradientCalls(int worker) {
    return gradientCalls.get(worker);
  }

  int reconnects(int worker) {
    return reconnects.get(worker);
  }

  /** Whether the worker is down at this step; once down, every call fails until it comes back. */
  private synchronized boolean down(int worker, int epoch, int step) {
    if (epoch > lostFromEpoch[worker] || (epoch == lostFromEpoch[worker] && step >= lostFromStep[worker])) {
      gone[worker] = true;
    }
    return gone[worker];
  }

  private synchronized boolean gone(int worker) {
    return gone[worker];
  }

  private <T> Future<T> failure(int worker) {
    if (remoteBug[worker]) {
      IllegalStateException bug = new IllegalStateException("a bug in the worker's code");
      return Future.failedFuture(new RemoteException(address(worker), "gradient", new RemoteException.RemoteCause(
          bug.getClass().getName(), bug.getMessage(), bug.getStackTrace(), null)));
    }
    return Future.failedFuture(new WorkerUnavailableException(address(worker),
        "gradient failed: the connection closed", null));
  }

  @Override
  public int size() {
    return inner.size();
  }

  @Override
  public int stepsPerEpoch() {
    return inner.stepsPerEpoch();
  }

  @Override
  public Future<Gradient> gradient(int worker, GradientRequest request) {
    gradientCalls.incrementAndGet(worker);
    if (down(worker, request.epoch(), request.step())) {
      return failure(worker);
    }
    return inner.gradient(worker, request);
  }

  @Override
  public Future<LocalStepsResult> localSteps(int worker, LocalStepsRequest request) {
    if (down(worker, request.epoch(), request.firstStep())) {
      return failure(worker);
    }
    return inner.localSteps(worker, request);
  }

  @Override
  public Future<float[][]> localVelocity(int worker) {
    return gone(worker) ? failure(worker) : inner.localVelocity(worker);
  }

  @Override
  public Future<Evaluation> evaluate(int worker, float[][] weights) {
    return gone(worker) ? failure(worker) : inner.evaluate(worker, weights);
  }

  /** In process every slice can be computed anywhere: the slice's own rows, counted once. */
  @Override
  public Future<Evaluation> evaluateSlice(int on, int slice, float[][] weights) {
    return gone(on) ? failure(on) : inner.evaluate(slice, weights);
  }

  @Override
  public synchronized Future<Void> reconnect(int worker) {
    reconnects.incrementAndGet(worker);
    if (!comesBack[worker]) {
      return Future.failedFuture(new WorkerUnavailableException(address(worker), "cannot connect (refused)", null));
    }
    lostFromEpoch[worker] = Integer.MAX_VALUE;
    gone[worker] = false;
    return Future.succeededFuture();
  }

  @Override
  public String address(int worker) {
    return "127.0.0.1:" + (7401 + worker);
  }

  @Override
  public long trainRows(int worker) {
    return 400;
  }
}
