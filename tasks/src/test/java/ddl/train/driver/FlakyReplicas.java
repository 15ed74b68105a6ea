package ddl.train.driver;

import ddl.transport.RemoteException;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;

/**
 * In-process workers that can be lost: wraps other {@link Replicas} and, from a chosen step on,
 * fails one worker's calls as a closed connection would ({@link WorkerUnavailableException}) or as
 * a bug in the worker's code would ({@link RemoteException}). Counts each worker's step calls.
 */
final class FlakyReplicas implements Replicas {
  private final Replicas inner;
  private final int[] lostFromEpoch;
  private final int[] lostFromStep;
  private final boolean[] remoteBug;
  private final boolean[] comesBack;
  private final boolean[] gone;
  private final AtomicIntegerArray stepCalls;
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
    this.stepCalls = new AtomicIntegerArray(n);
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

  /** Step calls (gradients, local rounds) worker {@code worker} was asked for, lost ones included. */
  int stepCalls(int worker) {
    return stepCalls.get(worker);
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

  private <T> Future<T> step(int worker, int epoch, int step, Supplier<Future<T>> call) {
    stepCalls.incrementAndGet(worker);
    return down(worker, epoch, step) ? failure(worker) : call.get();
  }

  private <T> Future<T> other(int worker, Supplier<Future<T>> call) {
    return gone(worker) ? failure(worker) : call.get();
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
  public Future<Steps.GradientReply> masterStep(int worker, Steps.MasterStep s) {
    return step(worker, s.epoch(), s.step(), () -> inner.masterStep(worker, s));
  }

  @Override
  public Future<Steps.StepStats> ringStep(int worker, Steps.RingStep s) {
    return step(worker, s.epoch(), s.step(), () -> inner.ringStep(worker, s));
  }

  @Override
  public Future<Steps.GradientReply> asyncStep(int worker, Steps.AsyncStep s) {
    return step(worker, s.epoch(), s.step(), () -> inner.asyncStep(worker, s));
  }

  @Override
  public Future<Steps.LocalResult> localSteps(int worker, Steps.LocalSteps s) {
    if (s.learningRates().length == 0) {
      return other(worker, () -> inner.localSteps(worker, s));
    }
    return step(worker, s.epoch(), s.firstStep(), () -> inner.localSteps(worker, s));
  }

  @Override
  public Future<Void> apply(int worker, Steps.Apply a) {
    return other(worker, () -> inner.apply(worker, a));
  }

  @Override
  public Future<Void> joinRing(int worker, Steps.JoinRing join) {
    return other(worker, () -> inner.joinRing(worker, join));
  }

  @Override
  public Future<Long> checksum(int worker) {
    return other(worker, () -> inner.checksum(worker));
  }

  @Override
  public Future<ModelState> state(int worker) {
    return other(worker, () -> inner.state(worker));
  }

  @Override
  public Future<Void> setState(int worker, ModelState state) {
    return other(worker, () -> inner.setState(worker, state));
  }

  @Override
  public Future<Evaluation> evaluateSlice(int on, int slice) {
    return other(on, () -> inner.evaluateSlice(on, slice));
  }

  @Override
  public Future<Void> probe(int worker) {
    return other(worker, () -> inner.probe(worker));
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
