package ddl.train.driver;

import ddl.train.ring.Exchange;
import ddl.train.ring.RingAllReduce;
import ddl.transport.CallCancelledException;
import ddl.transport.CallFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Replicas in this process, for driver tests: one {@link ReplicaModel} per worker over a
 * {@link GradientSource}, each worker's calls on a thread of its own (so ring members run at
 * once), rings exchanging pieces in memory, and calls that can be cancelled like real ones.
 */
public final class LocalReplicas implements Replicas, AutoCloseable {
  private final List<GradientSource> sources;
  private final ReplicaModel[] models;
  private final ExecutorService[] threads;
  private final int steps;
  private final WireFormat format;
  /** Ring mailboxes: box, then rank, then key. */
  private final Map<Long, Map<Integer, Map<Long, Promise<Object>>>> mailboxes = new ConcurrentHashMap<>();

  public LocalReplicas(List<GradientSource> sources, ModelState initial, float momentum, int stepsPerEpoch,
      WireFormat format) {
    this.sources = List.copyOf(sources);
    this.steps = stepsPerEpoch;
    this.format = format;
    this.models = new ReplicaModel[sources.size()];
    this.threads = new ExecutorService[sources.size()];
    for (int w = 0; w < models.length; w++) {
      models[w] = new ReplicaModel(sources.get(w), initial, momentum, format);
      threads[w] = Executors.newSingleThreadExecutor();
    }
  }

  /** The replica of worker {@code w} itself. */
  public ReplicaModel model(int w) {
    return models[w];
  }

  private <T> Future<T> on(int worker, Callable<T> work) {
    CallFuture<T> result = new CallFuture<>();
    java.util.concurrent.Future<?> task = threads[worker].submit(() -> {
      try {
        result.tryComplete(work.call());
      } catch (Throwable e) {
        result.tryFail(e);
      }
    });
    result.onCancel(() -> {
      boolean cancelled = result.tryFail(new CallCancelledException("cancelled"));
      task.cancel(true);
      return cancelled;
    });
    return result;
  }

  @Override
  public int size() {
    return models.length;
  }

  @Override
  public int stepsPerEpoch() {
    return steps;
  }

  @Override
  public Future<Steps.GradientReply> masterStep(int worker, Steps.MasterStep step) {
    return on(worker, () -> models[worker].masterStep(step));
  }

  @Override
  public Future<Steps.StepStats> ringStep(int worker, Steps.RingStep step) {
    return on(worker, () -> models[worker].ringStep(step));
  }

  @Override
  public Future<Void> apply(int worker, Steps.Apply apply) {
    return on(worker, () -> {
      models[worker].apply(apply);
      return null;
    });
  }

  @Override
  public Future<Steps.GradientReply> asyncStep(int worker, Steps.AsyncStep step) {
    return on(worker, () -> models[worker].asyncStep(step));
  }

  @Override
  public Future<Steps.LocalResult> localSteps(int worker, Steps.LocalSteps s) {
    return on(worker, () -> models[worker].localSteps(s));
  }

  @Override
  public Future<Void> joinRing(int worker, Steps.JoinRing join) {
    return on(worker, () -> {
      models[worker].joinRing(new RingAllReduce(new MemoryExchange(join.box(), join.rank(), join.members().size()),
          join.rank(), join.members().size(), format, Duration.ofMillis(join.timeoutMillis())));
      return null;
    });
  }

  @Override
  public Future<Long> checksum(int worker) {
    return on(worker, () -> models[worker].checksum());
  }

  @Override
  public Future<ModelState> state(int worker) {
    return on(worker, () -> models[worker].state());
  }

  @Override
  public Future<Void> setState(int worker, ModelState state) {
    return on(worker, () -> {
      models[worker].setState(state);
      return null;
    });
  }

  /** In process every slice can be computed anywhere: worker {@code on}'s weights on slice {@code slice}. */
  @Override
  public Future<Evaluation> evaluateSlice(int on, int slice) {
    return on(on, () -> sources.get(slice).evaluate(models[on].weights(), slice));
  }

  @Override
  public Future<Void> reconnect(int worker) {
    return Future.succeededFuture();
  }

  private Promise<Object> slot(long box, int rank, long key) {
    return mailboxes.computeIfAbsent(box, b -> new ConcurrentHashMap<>())
        .computeIfAbsent(rank, r -> new ConcurrentHashMap<>())
        .computeIfAbsent(key, k -> Promise.promise());
  }

  /** A ring member's link to the next, through the in-memory mailboxes. */
  private final class MemoryExchange implements Exchange {
    private final long box;
    private final int rank;
    private final int size;

    MemoryExchange(long box, int rank, int size) {
      this.box = box;
      this.rank = rank;
      this.size = size;
    }

    @Override
    public Future<Void> sendNext(long key, Object value) {
      slot(box, (rank + 1) % size, key).tryComplete(value);
      return Future.succeededFuture();
    }

    @Override
    public Future<Object> receive(long key) {
      return slot(box, rank, key).future();
    }
  }

  @Override
  public void close() {
    for (ExecutorService t : threads) {
      t.shutdownNow();
    }
    for (ReplicaModel m : models) {
      m.close();
    }
    for (GradientSource s : sources) {
      if (s instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing a replica's source failed: " + e, e);
        }
      }
    }
  }
}
