package ddl.worker;

import ddl.transport.ClusterConfig;
import ddl.transport.Messages.WorkerStats;
import ddl.transport.WorkerAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/** A worker: a Vert.x TCP server whose every connection is one master's session. */
public final class WorkerServer {
  private static final Logger LOG = Logger.getLogger(WorkerServer.class.getName());
  private static final long SHUTDOWN_GRACE_MILLIS = 30_000;
  /** Most connections allowed to wait for their handshake at once. */
  static final int MAX_HANDSHAKING = 256;

  private final Vertx vertx;
  private final ClusterConfig config;
  private final WorkerAddress address;
  private final String device;
  private final Runnable onStopped;
  private final WorkerCounters counters = new WorkerCounters();
  private final RequestHandler handler = new RequestHandler(this);
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<WorkerConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sessionNumbers = new AtomicInteger();
  private volatile boolean shuttingDown;
  private final AtomicInteger handshaking = new AtomicInteger();
  private volatile long lastFloodWarning;
  private final java.util.concurrent.atomic.AtomicBoolean shutdownStarted = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile long closedBytesOut;
  private NetServer netServer;

  /**
   * @param onStopped runs after a shutdown request has been answered and the server closed (the
   *     worker main exits the process there)
   */
  public WorkerServer(Vertx vertx, ClusterConfig config, WorkerAddress address, String device, Runnable onStopped) {
    this.vertx = vertx;
    this.config = config;
    this.address = address;
    this.device = device;
    this.onStopped = onStopped;
  }

  /** Starts listening; fails with a message saying what to do if the port is taken. */
  public Future<WorkerServer> start(String bindHost) {
    NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true);
    if (config.tls().enabled()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tls().certificate()).setKeyPath(config.tls().key()));
    }
    netServer = vertx.createNetServer(options);
    netServer.connectHandler(socket -> {
      if (handshaking.incrementAndGet() > MAX_HANDSHAKING) {
        // Unauthenticated connections cost a little each; a flood of them gets no more.
        handshaking.decrementAndGet();
        socket.close();
        long now = System.nanoTime();
        if (now - lastFloodWarning > 1_000_000_000L) {
          lastFloodWarning = now;
          LOG.warning("worker " + address + ": more than " + MAX_HANDSHAKING
              + " connections are waiting to authenticate; refusing new ones until they finish or time out");
        }
        return;
      }
      WorkerConnection[] holder = new WorkerConnection[1];
      holder[0] = new WorkerConnection(this, socket, vertx.getOrCreateContext(), executor);
      connections.add(holder[0]);
      socket.closeHandler(v -> {
        connections.remove(holder[0]);
        closedBytesOut += holder[0].bytesWritten();
        holder[0].onClosedExternally();
      });
    });
    return netServer.listen(address.port(), bindHost).map(s -> this).recover(e -> Future.failedFuture(
        new IllegalStateException("cannot listen on " + bindHost + ":" + address.port() + " (" + e.getMessage()
            + "); is another worker running there? stop it with scripts/shutdown or change config.yml", e)));
  }

  ClusterConfig config() {
    return config;
  }

  String address() {
    return address.toString();
  }

  WorkerCounters counters() {
    return counters;
  }

  RequestHandler handler() {
    return handler;
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  /** A connection finished its handshake, or closed before finishing it. */
  void handshakeEnded() {
    handshaking.decrementAndGet();
  }

  Session openSession(String peer) {
    counters.sessions.incrementAndGet();
    return new Session("session-" + sessionNumbers.incrementAndGet() + "@" + peer, address(), device, config.transport());
  }

  void closeSession(Session session) {
    counters.sessions.decrementAndGet();
    session.close();
  }

  WorkerStats stats() {
    Runtime rt = Runtime.getRuntime();
    long live = 0;
    for (WorkerConnection c : connections) {
      live += c.bytesWritten();
    }
    return new WorkerStats(address(), ManagementFactory.getRuntimeMXBean().getUptime(), counters.sessions.get(),
        counters.callsServed.get(), counters.bytesIn.get(), closedBytesOut + live,
        rt.totalMemory() - rt.freeMemory(), rt.maxMemory(), device);
  }

  /**
   * Stops taking new calls, waits (up to 30 s) for calls in flight, then runs {@code reply} (the
   * answer to the shutdown request), closes every connection and the server, and calls
   * {@code onStopped}.
   */
  void shutdown(Runnable reply) {
    if (!shutdownStarted.compareAndSet(false, true)) {
      reply.run(); // a second shutdown request: the first one is already under way
      return;
    }
    shuttingDown = true;
    LOG.info(() -> "worker " + address + ": shutdown requested; finishing " + (counters.inFlight.get() - 1)
        + " calls in flight");
    long deadline = System.currentTimeMillis() + SHUTDOWN_GRACE_MILLIS;
    vertx.setPeriodic(20, timer -> {
      boolean idle = counters.inFlight.get() <= 1;
      if (idle || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(timer);
        if (!idle) {
          LOG.warning("worker " + address + ": " + (counters.inFlight.get() - 1)
              + " calls still running after the grace period; their masters will see the connection close");
        }
        reply.run();
        vertx.setTimer(200, t -> close().onComplete(ar -> onStopped.run()));
      }
    });
  }

  /** Closes every connection and stops listening. */
  public Future<Void> close() {
    shuttingDown = true;
    connections.forEach(WorkerConnection::close);
    executor.shutdownNow();
    return netServer == null ? Future.succeededFuture() : netServer.close();
  }
}
