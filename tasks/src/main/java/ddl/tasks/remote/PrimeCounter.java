package ddl.tasks.remote;

import ddl.transport.WorkerContext;
import java.util.BitSet;

/** Counts primes with a sieve. Exists only in the tasks module: workers get it by shipping. */
public final class PrimeCounter {
  private PrimeCounter() {}

  /** The number of primes below {@code limit}. */
  public static int countBelow(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be at least 0, got " + limit);
    }
    BitSet composite = new BitSet(limit);
    int count = 0;
    for (int i = 2; i < limit; i++) {
      if (!composite.get(i)) {
        count++;
        for (long j = (long) i * i; j < limit; j += i) {
          composite.set((int) j);
        }
      }
    }
    return count;
  }

  /** A line about where it ran, counted for this worker's slice of {@code [0, limit)}. */
  public static Answer describe(WorkerContext context, int limit) {
    long start = System.nanoTime();
    int primes = countBelow(limit);
    return new Answer(context.workerAddress(), ProcessHandle.current().pid(), Runtime.version().toString(),
        limit, primes, (System.nanoTime() - start) / 1000);
  }

  /** What each worker answers. */
  public record Answer(String worker, long pid, String java, int limit, int primes, long micros) {}
}
