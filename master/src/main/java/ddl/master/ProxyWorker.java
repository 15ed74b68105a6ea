package ddl.master;

import ddl.master.internal.ClassShipper;
import ddl.master.internal.MethodResolver;
import ddl.master.internal.RemoteFailures;
import ddl.transport.CallFuture;
import ddl.transport.CallOptions;
import ddl.transport.ClusterConfig;
import ddl.transport.TransportConfig;
import ddl.transport.Remote;
import ddl.transport.RemoteCall;
import ddl.transport.RemoteFunction;
import ddl.transport.RemoteFunction2;
import ddl.transport.RemoteFunction3;
import ddl.transport.WorkerAddress;
import ddl.transport.wire.ClassPolicy;
import ddl.transport.wire.Connection;
import ddl.transport.wire.Handshake;
import ddl.transport.wire.Messages;
import ddl.transport.wire.PayloadCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One worker as the master sees it: a single multiplexed connection, one session on the worker.
 * Every method returns at once with a {@link Future}; {@code .await()} it from a task main. Calls
 * take their deadline and lent arrays from this proxy's {@link CallOptions}; {@link #with} gives a
 * proxy for the same connection with other options.
 */
public final class ProxyWorker {
  private final int index;
  private final Connection connection;
  private final ClassShipper shipper;
  private final ClassLoader loader;
  private final CallOptions options;
  private final TransportConfig transport;
  private final ConnectOptions connectOptions;

  private ProxyWorker(int index, Connection connection, ClassShipper shipper, ClassLoader loader,
      CallOptions options, TransportConfig transport, ConnectOptions connectOptions) {
    this.index = index;
    this.connectOptions = connectOptions;
    this.connection = connection;
    this.shipper = shipper;
    this.loader = loader;
    this.options = options;
    this.transport = transport;
  }

  /**
   * Connects to one worker and authenticates with the config's secret. Classes are shipped from,
   * and replies read with, the calling thread's context class loader.
   */
  public static Future<ProxyWorker> connect(Vertx vertx, ClusterConfig config, WorkerAddress address, int index) {
    return connect(vertx, config, address, index, ConnectOptions.DEFAULT);
  }

  /** Like {@link #connect(Vertx, ClusterConfig, WorkerAddress, int)}, with a named session if {@code how} asks for one. */
  public static Future<ProxyWorker> connect(Vertx vertx, ClusterConfig config, WorkerAddress address, int index,
      ConnectOptions how) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader loader = context != null ? context : ProxyWorker.class.getClassLoader();
    PayloadCodec codec = new PayloadCodec(config.transport(), loader, ClassPolicy.APPLICATION);
    return Connection.dial(vertx, address, config, Handshake.Role.MASTER, how.session(), codec, null)
        .map(c -> {
          c.remoteFailures(e -> RemoteFailures.asUserException(e, loader));
          return new ProxyWorker(index, c, new ClassShipper(c, loader), loader, CallOptions.DEFAULT,
              config.transport(), how);
        });
  }

  /** The same worker at another position in its cluster's list. */
  ProxyWorker renumbered(int newIndex) {
    return new ProxyWorker(newIndex, connection, shipper, loader, options, transport, connectOptions);
  }

  /** This worker with other call options (same connection and session). */
  public ProxyWorker with(CallOptions other) {
    return new ProxyWorker(index, connection, shipper, loader, other, transport, connectOptions);
  }

  /** How this worker was connected (its session name, if any). */
  public ConnectOptions connectOptions() {
    return connectOptions;
  }

  /** The options calls through this proxy use. */
  public CallOptions options() {
    return options;
  }

  /** Position in the cluster's worker list. */
  public int index() {
    return index;
  }

  /** {@code host:port}. */
  public String address() {
    return connection.peerAddress();
  }

  /** Round trip time of one ping, in nanoseconds. */
  public Future<Long> ping() {
    long start = System.nanoTime();
    return connection.<Messages.Ping>call(new Messages.Ping(start), options).map(p -> System.nanoTime() - start);
  }

  /** Ships classes (and the classes they need that the worker lacks) to this session. */
  public Future<Void> ship(Class<?>... classes) {
    return shipper.ship(Arrays.asList(classes), timeout());
  }

  // ---- functions with the session as first parameter

  /** Runs {@code function} on the worker. Its classes are shipped first if this session lacks them. */
  public <R> CallFuture<R> call(RemoteCall<R> function) {
    return invoke(function, null);
  }

  /** Runs {@code function(session, a)} on the worker. */
  public <A, R> CallFuture<R> call(RemoteFunction<A, R> function, A a) {
    return invoke(function, null, a);
  }

  /** Runs {@code function(session, a, b)} on the worker. */
  public <A, B, R> CallFuture<R> call(RemoteFunction2<A, B, R> function, A a, B b) {
    return invoke(function, null, a, b);
  }

  /** Runs {@code function(session, a, b, c)} on the worker. */
  public <A, B, C, R> CallFuture<R> call(RemoteFunction3<A, B, C, R> function, A a, B b, C c) {
    return invoke(function, null, a, b, c);
  }

  // ---- functions without the session (method references)

  /** Runs {@code function()} on the worker, e.g. a static method reference. */
  public <R> CallFuture<R> call(Remote.Fn0<R> function) {
    return invoke(function, null);
  }

  /** Runs {@code function(a)} on the worker, e.g. {@code PrimeCounter::countBelow}. */
  public <A, R> CallFuture<R> call(Remote.Fn1<A, R> function, A a) {
    return invoke(function, null, a);
  }

  /** Runs {@code function(a, b)} on the worker. */
  public <A, B, R> CallFuture<R> call(Remote.Fn2<A, B, R> function, A a, B b) {
    return invoke(function, null, a, b);
  }

  /** Runs {@code function(a, b, c)} on the worker. */
  public <A, B, C, R> CallFuture<R> call(Remote.Fn3<A, B, C, R> function, A a, B b, C c) {
    return invoke(function, null, a, b, c);
  }

  // ---- instance methods of a named session object

  /** Runs {@code method(object)} on the session object named {@code name}, e.g. {@code Model::reset}. */
  public <T, R> CallFuture<R> callOn(String name, Remote.Fn1<T, R> method) {
    return invoke(method, name);
  }

  /** Runs {@code method(object, a)} on the session object named {@code name}, e.g. {@code Model::step}. */
  public <T, A, R> CallFuture<R> callOn(String name, Remote.Fn2<T, A, R> method, A a) {
    return invoke(method, name, a);
  }

  /** Runs {@code method(object, a, b)} on the session object named {@code name}. */
  public <T, A, B, R> CallFuture<R> callOn(String name, Remote.Fn3<T, A, B, R> method, A a, B b) {
    return invoke(method, name, a, b);
  }

  // ---- by name

  /**
   * Runs {@code type.method(args)} on the worker, shipping {@code type} first: a static method, or
   * an instance method of a fresh instance; a first parameter of type {@code WorkerContext} gets the
   * session. The method is chosen here with Java's overload rules (widening, boxing, varargs);
   * a mismatch fails at once, listing the candidates.
   */
  public <R> CallFuture<R> runMethod(Class<?> type, String method, Object... args) {
    return byName(null, type, method, args);
  }

  /** Runs instance method {@code method(args)} of the session object named {@code name} (of class {@code type}). */
  public <R> CallFuture<R> runMethodOn(String name, Class<?> type, String method, Object... args) {
    return byName(name, type, method, args);
  }

  private <R> CallFuture<R> byName(String target, Class<?> type, String method, Object[] args) {
    Object[] given = args != null && args.getClass() != Object[].class ? new Object[] {args} : args;
    MethodResolver.Resolved resolved;
    try {
      resolved = MethodResolver.resolve(type, method, given, target != null);
    } catch (RuntimeException e) {
      return CallFuture.failed(e);
    }
    Messages.InvokeMethod request = new Messages.InvokeMethod(type.getName(), method, resolved.parameterTypes(),
        resolved.arguments(), target);
    return send(() -> shipper.ship(List.of(type), timeout()).compose(v -> shipper.shipFor(timeout(),
        resolved.arguments())), request);
  }

  private <R> CallFuture<R> invoke(Serializable function, String target, Object... args) {
    Object[] all = new Object[args.length + 1];
    all[0] = function;
    System.arraycopy(args, 0, all, 1, args.length);
    return send(() -> shipper.shipFor(timeout(), all), new Messages.Invoke(function, args, target));
  }

  /**
   * Ships what the request needs, then sends it. The returned future can be cancelled while the
   * classes are still on their way (the request is then never sent) or after.
   */
  private <R> CallFuture<R> send(java.util.function.Supplier<Future<Void>> ship, Messages.Request request) {
    Future<Void> shipped;
    try {
      shipped = ship.get();
    } catch (RuntimeException e) {
      return CallFuture.failed(e);
    }
    if (shipped.succeeded()) {
      return connection.call(request, options);
    }
    CallFuture<R> result = new CallFuture<>();
    AtomicReference<CallFuture<R>> inner = new AtomicReference<>();
    shipped.onComplete(ar -> {
      if (result.isComplete()) {
        return; // cancelled meanwhile
      }
      if (ar.failed()) {
        result.tryFail(ar.cause());
        return;
      }
      CallFuture<R> call = connection.call(request, options);
      inner.set(call);
      call.onComplete(result::tryComplete, result::tryFail);
    });
    result.onCancel(() -> {
      CallFuture<R> call = inner.get();
      if (call != null) {
        return call.cancel();
      }
      return result.tryFail(new ddl.transport.CallCancelledException("the call to " + address()
          + " was cancelled before it was sent"));
    });
    return result;
  }

  // ---- session objects

  /** Stores a named object in this worker's session. */
  public Future<Void> put(String name, Object value) {
    return shipper.shipFor(timeout(), value).compose(v -> connection.<Object>call(new Messages.Put(name, value),
        options)).mapEmpty();
  }

  /** Reads a named object from this worker's session (null if absent). */
  public <T> Future<T> get(String name) {
    return connection.call(new Messages.Get(name), options);
  }

  /** Removes a named object; true if it was there. */
  public Future<Boolean> remove(String name) {
    return connection.call(new Messages.Remove(name), options);
  }

  /** The names of this session's objects, sorted (the Python framework's {@code show_data}). */
  public Future<List<String>> keys() {
    return connection.call(new Messages.Keys(), options);
  }

  /** Drops this session's objects and shipped classes on the worker. */
  public Future<Void> reset() {
    return connection.<Object>call(new Messages.Reset(), options).map(v -> {
      shipper.forget();
      return null;
    });
  }

  /** The worker's figures: uptime, sessions, calls, bytes, heap. */
  public Future<Messages.WorkerStats> stats() {
    return connection.call(new Messages.Stats(), options);
  }

  /**
   * Asks the worker process to finish its calls and exit; the reply comes within the worker's
   * shutdown grace ({@code transport.shutdown_grace_seconds}) plus a connect timeout.
   */
  public Future<Void> shutdown() {
    return connection.<Object>call(new Messages.Shutdown(), CallOptions.timeout(transport.shutdownReplyTimeout()))
        .mapEmpty();
  }

  /** Bytes this connection has sent. */
  public long bytesSent() {
    return connection.bytesSent();
  }

  /** Bytes this connection has received. */
  public long bytesReceived() {
    return connection.bytesReceived();
  }

  /** Whether the connection is still open. */
  public boolean isConnected() {
    return connection.isOpen();
  }

  /** Completes when the connection closes. */
  public Future<Void> disconnected() {
    return connection.closeFuture();
  }

  /** Closes the connection; the worker ends this session and keeps serving others. */
  public Future<Void> close() {
    return connection.close();
  }

  private Duration timeout() {
    return options.timeoutOr(transport.callTimeout());
  }

  @Override
  public String toString() {
    return "worker " + index + " (" + address() + ")";
  }
}
