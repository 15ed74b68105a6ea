package ddl.train.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.train.driver.WireFormat;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ring allreduce on members in this process: the result is exactly the mean summed in the
 * ring's fixed order (fp32), within the stated bound in bfloat16, the same on every member, for
 * any number of members and vector lengths (shorter than the ring, many chunks), and a member that
 * stops sending breaks the ring for the others instead of leaving them waiting.
 */
class RingAllReduceTest {
  /** In-memory mailboxes, one per member. */
  private static final class Mailboxes {
    final Map<Integer, Map<Long, Promise<Object>>> boxes = new ConcurrentHashMap<>();
    volatile int deaf = -1;

    Promise<Object> slot(int rank, long key) {
      return boxes.computeIfAbsent(rank, r -> new ConcurrentHashMap<>()).computeIfAbsent(key, k -> Promise.promise());
    }

    Exchange of(int rank, int size) {
      return new Exchange() {
        @Override
        public Future<Void> sendNext(long key, Object value) {
          if (rank == deaf) {
            return Future.failedFuture(new IllegalStateException("the link to the next member is down"));
          }
          slot((rank + 1) % size, key).tryComplete(value);
          return Future.succeededFuture();
        }

        @Override
        public Future<Object> receive(long key) {
          return slot(rank, key).future();
        }
      };
    }
  }

  private static float[][] vectors(int n, int length, long seed) {
    Random r = new Random(seed);
    float[][] v = new float[n][length];
    for (float[] x : v) {
      for (int i = 0; i < length; i++) {
        x[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian()));
      }
    }
    return v;
  }

  /** The mean as the ring sums it: segment s starts at member s and goes round. */
  static float[] reference(float[][] v) {
    int n = v.length;
    int length = v[0].length;
    float[] out = new float[length];
    for (int s = 0; s < n; s++) {
      int a = (int) ((long) length * s / n);
      int b = (int) ((long) length * (s + 1) / n);
      for (int i = a; i < b; i++) {
        float sum = v[s][i];
        for (int k = 1; k < n; k++) {
          sum = v[(s + k) % n][i] + sum;
        }
        out[i] = sum * (1f / n);
      }
    }
    return out;
  }

  private static float[][] reduce(float[][] input, WireFormat format, Mailboxes boxes) throws Exception {
    int n = input.length;
    float[][] data = new float[n][];
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (int m = 0; m < n; m++) {
        int rank = m;
        data[m] = input[m].clone();
        RingAllReduce ring = new RingAllReduce(boxes.of(rank, n), rank, n, format, Duration.ofSeconds(2));
        running.add(pool.submit(() -> {
          ring.meanInPlace(7, data[rank], 0, data[rank].length);
          return null;
        }));
      }
      for (var f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      return data;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fp32MeanIsExactlyTheFixedOrderSumOnEveryMember() throws Exception {
    for (int n = 1; n <= 5; n++) {
      for (int length : new int[] {1, 3, 17, 1000, 2 * RingAllReduce.CHUNK * n + 5}) {
        float[][] v = vectors(n, length, 31L * n + length);
        float[] expected = n == 1 ? v[0] : reference(v);
        float[][] out = reduce(v, WireFormat.FP32, new Mailboxes());
        for (int m = 0; m < n; m++) {
          assertArrayEquals(expected, out[m], n + " members, " + length + " values, member " + m);
        }
      }
    }
  }

  @Test
  void bf16MeanIsTheSameOnEveryMemberAndWithinTheStatedBound() throws Exception {
    int n = 4;
    int length = 3 * RingAllReduce.CHUNK + 11;
    float[][] v = vectors(n, length, 5);
    float[] exact = reference(v);
    float[][] out = reduce(v, WireFormat.BF16, new Mailboxes());
    for (int m = 1; m < n; m++) {
      assertArrayEquals(out[0], out[m], "member " + m + " holds what member 0 holds");
    }
    double worst = 0;
    for (int i = 0; i < length; i++) {
      double largestPartial = 0;
      double partial = 0;
      for (int k = 0; k < n; k++) {
        partial += v[k][i];
        largestPartial = Math.max(largestPartial, Math.abs(partial));
      }
      for (int k = 0; k < n; k++) {
        largestPartial = Math.max(largestPartial, Math.abs(v[k][i]));
      }
      double allowed = n * Math.pow(2, -8) * largestPartial / n + Math.abs(exact[i]) * Math.pow(2, -8);
      double error = Math.abs(out[0][i] - exact[i]);
      worst = Math.max(worst, error / Math.max(allowed, 1e-30));
      assertTrue(error <= allowed, "value " + i + ": " + out[0][i] + " against " + exact[i] + ", allowed " + allowed);
    }
    assertTrue(worst > 0.01, "bf16 should round something");
  }

  @Test
  void aMemberThatCannotSendBreaksTheRingForEveryone() {
    Mailboxes boxes = new Mailboxes();
    boxes.deaf = 1;
    ExecutionException e = assertThrows(ExecutionException.class, () -> reduce(vectors(3, 5000, 2), WireFormat.FP32,
        boxes));
    assertEquals(RingBrokenException.class, e.getCause().getClass());
  }
}
