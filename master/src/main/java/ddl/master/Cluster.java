package ddl.master;

import ddl.master.internal.ItemScheduler;
import ddl.transport.AuthenticationException;
import ddl.transport.CallOptions;
import ddl.transport.ClusterConfig;
import ddl.transport.DdlException;
import ddl.transport.Remote;
import ddl.transport.RemoteCall;
import ddl.transport.RemoteFunction;
import ddl.transport.WorkerAddress;
import ddl.transport.wire.EventLoopCheck;
import ddl.transport.wire.Messages.WorkerStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The master's view of its workers: connect from config.yml, run code on every worker, gather the
 * results. Closing it closes the connections (the workers keep running).
 */
public final class Cluster implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Cluster.class.getName());
  private final Vertx vertx;
  private final ClusterConfig config;
  private final List<WorkerAddress> addresses;
  private final AtomicReferenceArray<ProxyWorker> workers;
  private final AtomicLong retiredBytesSent = new AtomicLong();
  private final AtomicLong retiredBytesReceived = new AtomicLong();
  private final List<WorkerAddress> joinable;

  private Cluster(Vertx vertx, ClusterConfig config, List<ProxyWorker> workers, List<WorkerAddress> notConnected) {
    this.vertx = vertx;
    this.config = config;
    this.addresses = List.copyOf(config.workers());
    this.workers = new AtomicReferenceArray<>(workers.toArray(ProxyWorker[]::new));
    List<WorkerAddress> later = new ArrayList<>(notConnected);
    for (WorkerAddress a : config.possibleWorkers()) {
      if (!addresses.contains(a) && !later.contains(a)) {
        later.add(a);
      }
    }
    this.joinable = List.copyOf(later);
  }

  /**
   * Connects to every worker of the config that answers, logging one line for each that does not;
   * fails if none answers, or if a worker refuses the secret (that is never skipped quietly).
   * {@link #config()} then lists only the workers connected.
   */
  public static Future<Cluster> connect(ClusterConfig config) {
    return connect(config, ConnectOptions.DEFAULT);
  }

  /**
   * Like {@link #connect(ClusterConfig)}, with options, e.g. a named session that the workers
   * keep across connections: {@code Cluster.connect(config, ConnectOptions.session("trainer"))}.
   */
  public static Future<Cluster> connect(ClusterConfig config, ConnectOptions how) {
    Vertx vertx = Vertx.vertx();
    List<Future<ProxyWorker>> connecting = new ArrayList<>();
    for (int i = 0; i < config.workers().size(); i++) {
      connecting.add(ProxyWorker.connect(vertx, config, config.workers().get(i), i, how));
    }
    return Future.join(connecting).transform(ar -> {
      List<ProxyWorker> reachable = new ArrayList<>();
      List<String> refused = new ArrayList<>();
      for (int i = 0; i < connecting.size(); i++) {
        Future<ProxyWorker> f = connecting.get(i);
        if (f.succeeded()) {
          reachable.add(f.result());
        } else if (f.cause() instanceof AuthenticationException) {
          refused.add(f.cause().getMessage());
        } else {
          LOG.info("skipping " + config.workers().get(i) + ": " + f.cause().getMessage() + " (a training run takes"
              + " it at an epoch start once it answers; pass --workers N to use only the first N)");
        }
      }
      if (!refused.isEmpty() || reachable.isEmpty()) {
        reachable.forEach(ProxyWorker::close);
        vertx.close();
        if (!refused.isEmpty()) {
          return Future.failedFuture(new AuthenticationException(refused.size() + " of the " + config.workers().size()
              + " workers in " + config.source() + " answered but refused this master's handshake; most often the"
              + " secret differs: use the workers' secret (key 'secret', or the environment variable DDL_SECRET):\n  "
              + String.join("\n  ", refused)));
        }
        return Future.failedFuture(new DdlException("none of the " + config.workers().size() + " workers in "
            + config.source() + " answers; start them with scripts/start N"));
      }
      List<WorkerAddress> used = new ArrayList<>();
      List<ProxyWorker> renumbered = new ArrayList<>();
      for (ProxyWorker w : reachable) {
        used.add(config.workers().get(w.index()));
        renumbered.add(w.renumbered(renumbered.size()));
      }
      List<WorkerAddress> skipped = config.workers().stream().filter(a -> !used.contains(a)).toList();
      return Future.succeededFuture(new Cluster(vertx, config.withWorkers(used), renumbered, skipped));
    });
  }

  /** Connects to every worker of the config; fails unless all answer. */
  public static Future<Cluster> connectAll(ClusterConfig config) {
    return connect(config, config.workers());
  }

  /** Connects to every worker of the config with options; fails unless all answer. */
  public static Future<Cluster> connectAll(ClusterConfig config, ConnectOptions how) {
    return connect(config, config.workers(), how);
  }

  /** Connects to these workers with the config's secret and settings; fails unless all answer. */
  public static Future<Cluster> connect(ClusterConfig config, List<WorkerAddress> addresses) {
    return connect(config, addresses, ConnectOptions.DEFAULT);
  }

  /** Connects to these workers with options; fails unless all answer. */
  public static Future<Cluster> connect(ClusterConfig config, List<WorkerAddress> addresses, ConnectOptions how) {
    if (addresses.isEmpty()) {
      return Future.failedFuture(new DdlException("no workers to connect to; list some under 'workers' in "
          + config.source()));
    }
    Vertx vertx = Vertx.vertx();
    List<Future<ProxyWorker>> connecting = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      connecting.add(ProxyWorker.connect(vertx, config, addresses.get(i), i, how));
    }
    return Future.join(connecting).transform(ar -> {
      List<ProxyWorker> connected = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      for (Future<ProxyWorker> f : connecting) {
        if (f.succeeded()) {
          connected.add(f.result());
        } else {
          failures.add(f.cause().getMessage());
        }
      }
      if (failures.isEmpty()) {
        return Future.succeededFuture(new Cluster(vertx, config.withWorkers(addresses), connected, List.of()));
      }
      connected.forEach(ProxyWorker::close);
      vertx.close();
      return Future.failedFuture(new DdlException("could not reach " + failures.size() + " of " + addresses.size()
          + " workers:\n  " + String.join("\n  ", failures)));
    });
  }

  /**
   * Workers of the config that are not in this cluster but may come up later: those that did not
   * answer when it connected (without {@code --workers N}), and a StatefulSet's pods up to
   * {@code max_replicas}. Training lets them join at an epoch start.
   */
  public List<WorkerAddress> joinable() {
    return joinable;
  }

  /** Number of workers. */
  public int size() {
    return workers.length();
  }

  /** The workers, in config order (a snapshot: {@link #reconnect} replaces one). */
  public List<ProxyWorker> workers() {
    List<ProxyWorker> out = new ArrayList<>(workers.length());
    for (int i = 0; i < workers.length(); i++) {
      out.add(workers.get(i));
    }
    return List.copyOf(out);
  }

  /** The i-th worker. */
  public ProxyWorker worker(int i) {
    return workers.get(i);
  }

  /**
   * Connects again to the i-th worker's address (after it was lost or restarted) and, once it
   * answers, puts the new connection in its place and closes the old one. Without a session name
   * the new connection is a new session (the worker holds none of the old session's objects or
   * classes); with one, the worker hands the named session over if it still keeps it.
   */
  public Future<ProxyWorker> reconnect(int i) {
    ProxyWorker old = workers.get(i);
    return ProxyWorker.connect(vertx, config, addresses.get(i), old.index(), old.connectOptions()).map(fresh -> {
      ProxyWorker replaced = workers.getAndSet(i, fresh.with(old.options()));
      retiredBytesSent.addAndGet(replaced.bytesSent());
      retiredBytesReceived.addAndGet(replaced.bytesReceived());
      replaced.close();
      return workers.get(i);
    });
  }

  /** The config, listing exactly the workers of this cluster. */
  public ClusterConfig config() {
    return config;
  }

  /** The Vert.x instance the connections run on. */
  public Vertx vertx() {
    return vertx;
  }

  /** Runs {@code call} on every worker; the results in worker order. */
  public <R> Future<List<R>> callAll(RemoteCall<R> call) {
    return gather(w -> w.call(call));
  }

  /** Runs {@code call} on every worker and returns one future per worker, to take each as it completes. */
  public <R> List<Future<R>> callEach(RemoteCall<R> call) {
    return workers().stream().map(w -> (Future<R>) w.call(call)).toList();
  }

  /** Runs {@code function} on worker i with {@code arguments.get(i)}; the results in worker order. */
  public <A, R> Future<List<R>> scatter(List<A> arguments, RemoteFunction<A, R> function) {
    if (arguments.size() != size()) {
      return Future.failedFuture(new IllegalArgumentException("scatter needs one argument per worker: got "
          + arguments.size() + " for " + size() + " workers"));
    }
    List<Future<R>> futures = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      futures.add(workers.get(i).call(function, arguments.get(i)));
    }
    return collect(futures);
  }

  /**
   * Runs {@code call} on every worker and keeps every outcome: the future never fails; each
   * {@link Settled} holds that worker's result or failure, in worker order.
   */
  public <R> Future<List<Settled<R>>> callAllSettled(RemoteCall<R> call) {
    List<ProxyWorker> all = workers();
    List<Future<Settled<R>>> settled = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      settled.add(settle(i, all.get(i), all.get(i).call(call)));
    }
    return Future.all(settled).map(x -> settled.stream().map(Future::result).toList());
  }

  /**
   * Runs {@code call} on every worker; the k-th future completes with the k-th outcome to arrive
   * (like Python's {@code as_completed}). None of them fails: a worker's failure is a {@link Settled}
   * too, and {@link Settled#index()} says which worker it was.
   */
  public <R> List<Future<Settled<R>>> asCompleted(RemoteCall<R> call) {
    List<ProxyWorker> all = workers();
    List<Future<Settled<R>>> settled = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      settled.add(settle(i, all.get(i), all.get(i).call(call)));
    }
    return asCompleted(settled);
  }

  /** The same futures' outcomes in the order they complete: the k-th future completes as the k-th of {@code futures} does. */
  public static <T> List<Future<T>> asCompleted(List<? extends Future<T>> futures) {
    List<io.vertx.core.Promise<T>> slots = new ArrayList<>(futures.size());
    for (int i = 0; i < futures.size(); i++) {
      slots.add(io.vertx.core.Promise.promise());
    }
    AtomicInteger next = new AtomicInteger();
    for (Future<T> f : futures) {
      f.onComplete(ar -> slots.get(next.getAndIncrement()).handle(ar));
    }
    return slots.stream().map(io.vertx.core.Promise::future).toList();
  }

  private static <R> Future<Settled<R>> settle(int index, ProxyWorker worker, Future<R> call) {
    return call.transform(ar -> Future.succeededFuture(ar.succeeded()
        ? Settled.of(index, worker.address(), ar.result())
        : Settled.failed(index, worker.address(), ar.cause())));
  }

  /**
   * Runs {@code function(ctx, item)} for every item, spread over the connected workers with at
   * most {@link MapOptions#DEFAULT} items in flight per worker; the results in item order. The
   * first item that fails fails the map with a {@link MapFailedException} naming its index; an item
   * whose worker is lost goes to another worker.
   */
  public <A, R> Future<List<R>> map(List<A> items, RemoteFunction<A, R> function) {
    return map(items, MapOptions.DEFAULT, function);
  }

  /** {@link #map(List, RemoteFunction)} for a function without the session, e.g. {@code PrimeCounter::countBelow}. */
  public <A, R> Future<List<R>> map(List<A> items, Remote.Fn1<A, R> function) {
    return map(items, MapOptions.DEFAULT, function);
  }

  /** {@link #map(List, RemoteFunction)} with other options (items in flight per worker). */
  public <A, R> Future<List<R>> map(List<A> items, MapOptions options, RemoteFunction<A, R> function) {
    return values(spread(items, options, false, (w, a) -> w.call(function, a)));
  }

  /** {@link #map(List, Remote.Fn1)} with other options (items in flight per worker). */
  public <A, R> Future<List<R>> map(List<A> items, MapOptions options, Remote.Fn1<A, R> function) {
    return values(spread(items, options, false, (w, a) -> w.call(function, a)));
  }

  /** Like {@link #map(List, MapOptions, RemoteFunction)}, but keeps every item's result or failure (never fails for one item). */
  public <A, R> Future<List<Settled<R>>> mapSettled(List<A> items, MapOptions options, RemoteFunction<A, R> function) {
    return spread(items, options, true, (w, a) -> w.call(function, a));
  }

  /** Like {@link #map(List, MapOptions, Remote.Fn1)}, but keeps every item's result or failure. */
  public <A, R> Future<List<Settled<R>>> mapSettled(List<A> items, MapOptions options, Remote.Fn1<A, R> function) {
    return spread(items, options, true, (w, a) -> w.call(function, a));
  }

  private <A, R> Future<List<Settled<R>>> spread(List<A> items, MapOptions options, boolean settle,
      java.util.function.BiFunction<ProxyWorker, A, Future<R>> call) {
    return ItemScheduler.run(workers(), ProxyWorker::isConnected, ProxyWorker::address, call, List.copyOf(items),
        options.inFlightPerWorker(), settle);
  }

  private static <R> Future<List<R>> values(Future<List<Settled<R>>> settled) {
    return settled.map(all -> {
      List<R> out = new ArrayList<>(all.size());
      all.forEach(s -> out.add(s.value()));
      return out;
    });
  }

  /** Runs {@code type.method(args)} on every worker; see {@link ProxyWorker#runMethod}. */
  public <R> Future<List<R>> runMethod(Class<?> type, String method, Object... args) {
    return gather(w -> w.runMethod(type, method, args));
  }

  /** Ships classes to every worker. */
  public Future<Void> ship(Class<?>... classes) {
    return gather(w -> w.ship(classes)).mapEmpty();
  }

  /** Stores the same named object on every worker. */
  public Future<Void> broadcast(String name, Object value) {
    return gather(w -> w.put(name, value)).mapEmpty();
  }

  /** Every worker's figures. */
  public Future<List<WorkerStats>> stats() {
    return gather(ProxyWorker::stats);
  }

  /** Bytes sent to all workers so far (over replaced connections too). */
  public long bytesSent() {
    return retiredBytesSent.get() + workers().stream().mapToLong(ProxyWorker::bytesSent).sum();
  }

  /** Bytes received from all workers so far (over replaced connections too). */
  public long bytesReceived() {
    return retiredBytesReceived.get() + workers().stream().mapToLong(ProxyWorker::bytesReceived).sum();
  }

  /** Asks every worker process to exit. */
  public Future<Void> shutdownWorkers() {
    return gather(ProxyWorker::shutdown).mapEmpty();
  }

  /** Every worker with other call options, for calls made through {@link #workers()} afterwards. */
  public Cluster with(CallOptions options) {
    for (int i = 0; i < workers.length(); i++) {
      workers.set(i, workers.get(i).with(options));
    }
    return this;
  }

  private <R> Future<List<R>> gather(Function<ProxyWorker, Future<R>> action) {
    List<ProxyWorker> all = workers();
    List<Future<R>> futures = new ArrayList<>(all.size());
    for (ProxyWorker w : all) {
      futures.add(action.apply(w));
    }
    return collect(futures);
  }

  private static <R> Future<List<R>> collect(List<Future<R>> futures) {
    return Future.all(futures).map(all -> {
      List<R> results = new ArrayList<>(futures.size());
      for (Future<R> f : futures) {
        results.add(f.result());
      }
      return results;
    });
  }

  /**
   * Closes every connection and the Vert.x instance and waits until they are closed; workers end
   * these sessions (named ones after their keep time). Blocks, so never call it on an event loop.
   */
  @Override
  public void close() {
    EventLoopCheck.notOnEventLoop("Cluster.close()");
    List<Future<Void>> closing = workers().stream().map(ProxyWorker::close).toList();
    Future.join(closing).eventually(vertx::close).toCompletionStage().toCompletableFuture().join();
  }
}
