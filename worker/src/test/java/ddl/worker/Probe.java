package ddl.worker;

import ddl.transport.WorkerContext;
import java.util.concurrent.atomic.AtomicInteger;

/** Methods the worker tests call by name. */
public final class Probe {
  static final AtomicInteger RUNS = new AtomicInteger();
  static final AtomicInteger INTERRUPTED = new AtomicInteger();

  private Probe() {}

  public static String sleepThenAnswer(int millis) throws InterruptedException {
    RUNS.incrementAndGet();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      INTERRUPTED.incrementAndGet();
      throw e;
    }
    return "slept " + millis;
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
