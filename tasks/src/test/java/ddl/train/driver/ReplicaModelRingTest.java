package ddl.train.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.train.ring.Exchange;
import ddl.train.ring.RingAllReduce;
import ddl.train.ring.RingBrokenException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A ring step whose allreduce breaks leaves nothing behind: the reductions it had queued are
 * cancelled with it and never run on the ring formed next, where they would send pieces under the
 * keys of the retried step and take pieces meant for it.
 */
class ReplicaModelRingTest {
  private static final int TENSORS = 3;

  /** Hands every tensor to the ring as backward would, last layer first. */
  private static final class ThreeTensors implements GradientSource {
    @Override
    public Gradient gradient(float[][] weights, int epoch, int step, TensorReady ready) {
      float[][] g = new float[TENSORS][];
      for (int t = TENSORS - 1; t >= 0; t--) {
        g[t] = new float[GradientBuckets.CAP]; // each fills a bucket: an allreduce of its own
        ready.ready(t, g[t]);
      }
      return new Gradient(g, 0.5f, 1, 1, 1);
    }

    @Override
    public Evaluation evaluate(float[][] weights, int slice) {
      throw new UnsupportedOperationException();
    }
  }

  /** The first piece never comes; later receivers wait until the member leaves the ring. */
  private static final class BrokenExchange implements Exchange {
    private final List<Promise<Object>> waiting = new CopyOnWriteArrayList<>();
    private boolean first = true;

    @Override
    public Future<Void> sendNext(long key, Object value) {
      return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Object> receive(long key) {
      if (first) {
        first = false;
        return Future.failedFuture(new IllegalStateException("the previous member is gone"));
      }
      Promise<Object> p = Promise.promise();
      waiting.add(p);
      return p.future();
    }

    @Override
    public void close() {
      waiting.forEach(p -> p.tryFail(new IllegalStateException("left the ring")));
    }
  }

  /** A two-member ring whose other member sends exactly what this one sends; records the keys. */
  private static final class MirrorExchange implements Exchange {
    final List<Long> sentKeys = new CopyOnWriteArrayList<>();
    private final Map<Long, Promise<Object>> slots = new ConcurrentHashMap<>();

    @Override
    public Future<Void> sendNext(long key, Object value) {
      sentKeys.add(key);
      slots.computeIfAbsent(key, k -> Promise.promise()).tryComplete(value);
      return Future.succeededFuture();
    }

    @Override
    public Future<Object> receive(long key) {
      return slots.computeIfAbsent(key, k -> Promise.promise()).future();
    }
  }

  @Test
  void reductionsOfABrokenStepNeverRunOnTheNextRing() throws Exception {
    int n = GradientBuckets.CAP;
    float[][] weights = {new float[n], new float[n], new float[n]};
    try (ReplicaModel replica = new ReplicaModel(new ThreeTensors(),
        new ModelState(weights, FloatArrays.zerosLike(weights)), 0.9f, WireFormat.FP32)) {
      replica.joinRing(new RingAllReduce(new BrokenExchange(), 0, 2, WireFormat.FP32, Duration.ofSeconds(30)));
      assertThrows(RingBrokenException.class, () -> replica.ringStep(new Steps.RingStep(0, 0, 1, -1, 0.1f)));

      MirrorExchange next = new MirrorExchange();
      replica.joinRing(new RingAllReduce(next, 0, 2, WireFormat.FP32, Duration.ofSeconds(30)));
      Steps.StepStats retried = replica.ringStep(new Steps.RingStep(0, 0, 2, -1, 0.1f));

      assertEquals(0.5f, retried.loss());
      assertTrue(!next.sentKeys.isEmpty());
      for (long key : next.sentKeys) {
        long step = (key >>> 24) >> 10;
        assertEquals(2, step, "the next ring carried a piece of the broken step (key " + key + ")");
      }
    }
  }

  /** Two small tensors and a bucket-sized one, with values that tell them apart. */
  private static final class MixedSizes implements GradientSource {
    static final int[] SIZES = {10, GradientBuckets.CAP, 5}; // handed out last first: [5, CAP] fill a bucket, [10] ends the step

    @Override
    public Gradient gradient(float[][] weights, int epoch, int step, TensorReady ready) {
      float[][] g = new float[SIZES.length][];
      for (int t = SIZES.length - 1; t >= 0; t--) {
        g[t] = new float[SIZES[t]];
        for (int i = 0; i < g[t].length; i++) {
          g[t][i] = t * 1000 + i % 997;
        }
        ready.ready(t, g[t]);
      }
      return new Gradient(g, 0.5f, 1, 1, 1);
    }

    @Override
    public Evaluation evaluate(float[][] weights, int slice) {
      throw new UnsupportedOperationException();
    }
  }

  /** A two-member ring in memory: what a member sends lands in the other's box; records the keys. */
  private static final class TwoMembers {
    final List<Long> sentKeys = new CopyOnWriteArrayList<>();
    private final List<Map<Long, Promise<Object>>> boxes = List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());

    Exchange of(int rank) {
      return new Exchange() {
        @Override
        public Future<Void> sendNext(long key, Object value) {
          sentKeys.add(key);
          boxes.get(1 - rank).computeIfAbsent(key, k -> Promise.promise()).tryComplete(value);
          return Future.succeededFuture();
        }

        @Override
        public Future<Object> receive(long key) {
          return boxes.get(rank).computeIfAbsent(key, k -> Promise.promise()).future();
        }
      };
    }
  }

  @Test
  void tensorsTravelInBucketsAndComeBackInPlace() throws Exception {
    float[][] weights = new float[MixedSizes.SIZES.length][];
    for (int t = 0; t < weights.length; t++) {
      weights[t] = new float[MixedSizes.SIZES[t]];
    }
    TwoMembers ring = new TwoMembers();
    ReplicaModel[] members = new ReplicaModel[2];
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<Object>> steps = new java.util.ArrayList<>();
      for (int rank = 0; rank < 2; rank++) {
        members[rank] = new ReplicaModel(new MixedSizes(), new ModelState(weights, FloatArrays.zerosLike(weights)), 0.9f,
            WireFormat.FP32);
        members[rank].joinRing(new RingAllReduce(ring.of(rank), rank, 2, WireFormat.FP32, Duration.ofSeconds(30)));
        ReplicaModel member = members[rank];
        steps.add(threads.submit(() -> member.ringStep(new Steps.RingStep(0, 0, 1, -1, 0.1f))));
      }
      for (var step : steps) {
        step.get();
      }
      long ops = ring.sentKeys.stream().map(k -> k >>> 24).distinct().count();
      assertEquals(2, ops, "one allreduce per bucket");
      for (ReplicaModel member : members) {
        member.apply(new Steps.Apply(null, 1, 1f)); // commits the step's mean gradient with lr 1
        float[][] after = member.state().weights();
        for (int t = 0; t < after.length; t++) {
          for (int i = 0; i < after[t].length; i++) {
            assertEquals(-(t * 1000 + i % 997), after[t][i], "tensor " + t + " value " + i);
          }
        }
      }
    } finally {
      threads.shutdownNow();
      for (ReplicaModel member : members) {
        if (member != null) {
          member.close();
        }
      }
    }
  }
}
