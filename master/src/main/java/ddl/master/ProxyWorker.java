package ddl.master;

import ddl.transport.ClassPolicy;
import ddl.transport.ClusterConfig;
import ddl.transport.Messages;
import ddl.transport.PayloadCodec;
import ddl.transport.RemoteCall;
import ddl.transport.RemoteFunction;
import ddl.transport.RpcClient;
import ddl.transport.WorkerAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * One worker as the master sees it: a single multiplexed connection, one session on the worker.
 * Every method returns at once with a {@link Future}; {@code .await()} it from a task main.
 */
public final class ProxyWorker {
  private final int index;
  private final RpcClient client;
  private final ClassShipper shipper;
  private final Duration defaultTimeout;

  private ProxyWorker(int index, RpcClient client, ClassLoader loader, Duration defaultTimeout) {
    this.index = index;
    this.client = client;
    this.defaultTimeout = defaultTimeout;
    this.shipper = new ClassShipper(client, loader);
  }

  /**
   * Connects to one worker and authenticates with the config's secret. Classes are shipped from,
   * and replies read with, the calling thread's context class loader.
   */
  public static Future<ProxyWorker> connect(Vertx vertx, ClusterConfig config, WorkerAddress address, int index) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader loader = context != null ? context : ProxyWorker.class.getClassLoader();
    PayloadCodec codec = new PayloadCodec(config.transport(), loader, ClassPolicy.APPLICATION);
    return RpcClient.connect(vertx, address, config, codec)
        .map(client -> new ProxyWorker(index, client, loader, config.transport().callTimeout()));
  }

  /** Position in the cluster's worker list. */
  public int index() {
    return index;
  }

  /** {@code host:port}. */
  public String address() {
    return client.address();
  }

  /** Round trip time of one ping, in nanoseconds. */
  public Future<Long> ping() {
    long start = System.nanoTime();
    return client.<Messages.Ping>call(new Messages.Ping(start), defaultTimeout).map(p -> System.nanoTime() - start);
  }

  /** Ships classes (and the classes they need that the worker lacks) to this session. */
  public Future<Void> ship(Class<?>... classes) {
    return shipper.ship(Arrays.asList(classes));
  }

  /** Runs {@code call} on the worker. Its classes are shipped first if this session lacks them. */
  public <R> Future<R> call(RemoteCall<R> call) {
    return call(call, defaultTimeout);
  }

  /** Like {@link #call(RemoteCall)} with its own deadline. */
  public <R> Future<R> call(RemoteCall<R> call, Duration timeout) {
    return shipper.shipFor(call).compose(v -> client.call(new Messages.Invoke(call, null), timeout));
  }

  /** Runs {@code function} on the worker with {@code argument}. */
  public <A, R> Future<R> call(RemoteFunction<A, R> function, A argument) {
    return call(function, argument, defaultTimeout);
  }

  /** Like {@link #call(RemoteFunction, Object)} with its own deadline. */
  public <A, R> Future<R> call(RemoteFunction<A, R> function, A argument, Duration timeout) {
    return shipper.shipFor(function, argument)
        .compose(v -> client.call(new Messages.Invoke(function, argument), timeout));
  }

  /**
   * Runs {@code type.method(args)} on the worker, shipping {@code type} first: a static method, or
   * an instance method of a fresh instance; a first parameter of type WorkerContext gets the session.
   */
  public <R> Future<R> runMethod(Class<?> type, String method, Object... args) {
    return shipper.ship(List.of(type)).compose(v -> shipper.shipFor(args))
        .compose(v -> client.call(new Messages.InvokeMethod(type.getName(), method, args), defaultTimeout));
  }

  /** Stores a named object in this worker's session. */
  public Future<Void> put(String name, Object value) {
    return shipper.shipFor(value).compose(v -> client.<Object>call(new Messages.Put(name, value), defaultTimeout))
        .mapEmpty();
  }

  /** Reads a named object from this worker's session (null if absent). */
  public <T> Future<T> get(String name) {
    return client.call(new Messages.Get(name), defaultTimeout);
  }

  /** Removes a named object; true if it was there. */
  public Future<Boolean> remove(String name) {
    return client.call(new Messages.Remove(name), defaultTimeout);
  }

  /** Drops this session's objects and shipped classes on the worker. */
  public Future<Void> reset() {
    return client.<Object>call(new Messages.Reset(), defaultTimeout).map(v -> {
      shipper.forget();
      return null;
    });
  }

  /** The worker's figures: uptime, sessions, calls, bytes, heap. */
  public Future<Messages.WorkerStats> stats() {
    return client.call(new Messages.Stats(), defaultTimeout);
  }

  /** Asks the worker process to finish its calls and exit. */
  public Future<Void> shutdown() {
    return client.<Object>call(new Messages.Shutdown(), Duration.ofMinutes(1)).mapEmpty();
  }

  /** Bytes this connection has sent. */
  public long bytesSent() {
    return client.bytesSent();
  }

  /** Bytes this connection has received. */
  public long bytesReceived() {
    return client.bytesReceived();
  }

  /** Whether the connection is still open. */
  public boolean isConnected() {
    return client.isOpen();
  }

  /** Completes when the connection closes. */
  public Future<Void> disconnected() {
    return client.closeFuture();
  }

  /** Closes the connection; the worker ends this session and keeps serving others. */
  public Future<Void> close() {
    return client.close();
  }

  @Override
  public String toString() {
    return "worker " + index + " (" + address() + ")";
  }
}
