package ddl.worker;

import ddl.transport.WorkerContext;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Methods the worker tests call by name. */
public final class Probe {
  static final AtomicInteger RUNS = new AtomicInteger();
  /** Counted down by each call of {@link #block} once it runs; set by a test before it calls. */
  static volatile CountDownLatch started = new CountDownLatch(0);
  /** What {@link #block} waits for; a test counts it down to let the calls answer. */
  static volatile CountDownLatch release = new CountDownLatch(0);
  /** Counted down when {@link #block} is interrupted. */
  static volatile CountDownLatch interrupted = new CountDownLatch(0);
  /** The thread of the latest {@link #block} call. */
  static volatile Thread blocked;

  private Probe() {}

  /** Answers {@code n} once the test releases it; counts an interrupt. */
  public static int block(int n) throws InterruptedException {
    blocked = Thread.currentThread();
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      interrupted.countDown();
      throw e;
    }
    return n;
  }

  public static int count() {
    return RUNS.incrementAndGet();
  }

  public static String where(WorkerContext ctx, String suffix) {
    return ctx.workerAddress() + suffix;
  }

  public static int fail(int x) {
    throw new IllegalStateException("failing on purpose with " + x);
  }
}
