package ddl.worker;

import ddl.transport.ClusterConfig;
import ddl.transport.WorkerAddress;
import ddl.transport.observe.Health;
import io.micrometer.core.instrument.MeterRegistry;
import ddl.transport.wire.ClassPolicy;
import ddl.transport.wire.Connection;
import ddl.transport.wire.Handshake;
import ddl.transport.wire.Messages.WorkerStats;
import ddl.transport.wire.PayloadCodec;
import ddl.worker.peer.Mailboxes;
import ddl.worker.peer.PeerLinks;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A worker: a Vert.x TCP server. A connection from a master is one session (shipped classes, named
 * objects); a connection from another worker delivers to this worker's mailboxes (collectives).
 */
public final class WorkerServer {
  private static final Logger LOG = Logger.getLogger(WorkerServer.class.getName());
  /** Most connections allowed to wait for their handshake at once. */
  static final int MAX_HANDSHAKING = 256;

  private final Vertx vertx;
  private final ClusterConfig config;
  private final WorkerAddress address;
  private final String device;
  private final Runnable onStopped;
  private final WorkerCounters counters = new WorkerCounters();
  private final RequestHandler handler = new RequestHandler(this);
  private final ExecutorService internal = Executors.newVirtualThreadPerTaskExecutor();
  private final UserThreads userThreads;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sessionNumbers = new AtomicInteger();
  private final AtomicInteger handshaking = new AtomicInteger();
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();
  private final Mailboxes mailboxes = new Mailboxes();
  private final PeerLinks peerLinks;
  private final PayloadCodec peerCodec;
  private final Runaways runaways;
  private final NamedSessions named;
  private volatile boolean shuttingDown;
  private volatile long lastFloodWarning;
  private NetServer netServer;
  private long watchdog = -1;

  /**
   * @param onStopped runs with the exit code once the server has stopped: 0 after a shutdown
   *     request was answered, {@link Runaways#EXIT_CODE} when a runaway call makes it leave (the
   *     worker main exits the process with it)
   */
  public WorkerServer(Vertx vertx, ClusterConfig config, WorkerAddress address, String device,
      java.util.function.IntConsumer onStopped) {
    this.vertx = vertx;
    this.config = config;
    this.address = address;
    this.device = device;
    this.onStopped = () -> onStopped.accept(0);
    this.peerLinks = new PeerLinks(vertx, config);
    this.peerCodec = new PayloadCodec(config.transport(), WorkerServer.class.getClassLoader(), ClassPolicy.REGISTERED_ONLY);
    this.userThreads = new UserThreads();
    this.named = new NamedSessions(vertx, config.transport().sessionKeep().toMillis(), this::closeSession);
    this.runaways = new Runaways(address.toString(), config.transport().heartbeatInterval().toNanos(),
        config.transport().runawayGrace().toNanos(), counters, userThreads, () -> close().onComplete(ar -> onStopped.accept(Runaways.EXIT_CODE)));
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
        Connection.refuse(socket, ddl.transport.wire.Handshake.BUSY + "over " + MAX_HANDSHAKING
            + " connections wait to authenticate");
        long now = System.nanoTime();
        if (now - lastFloodWarning > 1_000_000_000L) {
          lastFloodWarning = now;
          LOG.warning("worker " + address + ": more than " + MAX_HANDSHAKING
              + " connections are waiting to authenticate; refusing new ones until they finish or time out");
        }
        return;
      }
      Connection.accept(vertx, vertx.getOrCreateContext(), socket, config, address, new Acceptor());
    });
    watchdog = vertx.setPeriodic(1000, t -> internal.execute(runaways::check));
    return netServer.listen(address.port(), bindHost).map(s -> this).recover(e -> Future.failedFuture(
        new IllegalStateException("cannot listen on " + bindHost + ":" + address.port() + " (" + e.getMessage()
            + "); is another worker running there? stop it with scripts/shutdown or change config.yml", e)));
  }

  /** Opens a session for each authenticated master, mailbox access for each authenticated worker. */
  private final class Acceptor implements Connection.Acceptor {
    @Override
    public Connection.Endpoint authenticated(Connection connection, Handshake.Role role, String sessionName) {
      handshaking.decrementAndGet();
      connections.add(connection);
      if (role == Handshake.Role.PEER) {
        LOG.fine(() -> "worker " + address + ": " + connection.peerName() + " connected");
        return new Connection.Endpoint(peerCodec, new PeerRequests(mailboxes));
      }
      Session session;
      if (sessionName == null) {
        session = openSession(connection.peerAddress(), null);
        LOG.info("worker " + address + ": " + connection.peerName() + " authenticated, " + session.name() + " open");
      } else {
        boolean[] made = {false};
        session = named.attach(sessionName, connection, () -> {
          made[0] = true;
          return openSession(connection.peerAddress(), sessionName);
        });
        LOG.info("worker " + address + ": " + connection.peerName() + " authenticated, " + session.name()
            + (made[0] ? " open" : " resumed"));
      }
      return new Connection.Endpoint(session.codec(), new SessionRequests(WorkerServer.this, session, internal,
          userThreads));
    }

    @Override
    public void ended(Connection connection, boolean authenticated) {
      if (!authenticated) {
        handshaking.decrementAndGet();
        return;
      }
      connections.remove(connection);
      if (connection.closedForSilence()) {
        counters.heartbeatsMissed.incrementAndGet();
      }
      counters.bytesOut.addAndGet(connection.bytesSent());
      counters.bytesIn.addAndGet(connection.bytesReceived());
      if (connection.role() == Handshake.Role.MASTER) {
        LOG.info("worker " + address + ": " + connection.peerName() + " disconnected");
      }
    }
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

  Runaways runaways() {
    return runaways;
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  /** Up while serving, down once a shutdown has begun. */
  public Health health() {
    return shuttingDown ? Health.down("shutting down") : Health.up();
  }

  /** Registers this worker's meters ({@code ddl_worker_*}) with {@code registry} and times its calls. */
  public void bindMetrics(MeterRegistry registry) {
    WorkerMetrics.bind(registry, this, counters);
  }

  private Session openSession(String peer, String sessionName) {
    counters.sessions.incrementAndGet();
    String name = sessionName == null ? "session-" + sessionNumbers.incrementAndGet() + "@" + peer
        : "session-named-" + sessionName;
    return new Session(name, sessionName, address(), device, config.transport(), mailboxes, peerLinks);
  }

  /**
   * A master connection ended (its calls are cancelled already): a session of that connection
   * closes now, a named one is kept for {@code transport.session_keep_seconds} unless another
   * connection took it over. Runs off the event loop.
   */
  void connectionEnded(Session session, Connection connection) {
    if (session.sessionName() != null) {
      named.detached(session, connection);
    } else {
      closeSession(session);
    }
  }

  /** Closes a session's objects; called off the event loop. */
  void closeSession(Session session) {
    counters.sessions.decrementAndGet();
    session.close();
    LOG.fine(() -> "worker " + address + ": " + session.name() + " closed");
  }

  WorkerStats stats() {
    Runtime rt = Runtime.getRuntime();
    long in = counters.bytesIn.get();
    long out = counters.bytesOut.get() + peerLinks.bytesSent();
    for (Connection c : connections) {
      in += c.bytesReceived();
      out += c.bytesSent();
    }
    return new WorkerStats(address(), ManagementFactory.getRuntimeMXBean().getUptime(), counters.sessions.get(),
        counters.callsServed.get(), in, out, rt.totalMemory() - rt.freeMemory(), rt.maxMemory(), device,
        counters.inFlight.get(), counters.runawayCalls.get());
  }

  /**
   * Stops taking new calls, waits (up to {@code transport.shutdown_grace_seconds}) for calls in
   * flight, then runs {@code reply} (the
   * answer to the shutdown request), closes every connection and the server, and reports exit code 0.
   */
  void shutdown(Runnable reply) {
    if (!shutdownStarted.compareAndSet(false, true)) {
      reply.run(); // a second shutdown request: the first one is already under way
      return;
    }
    shuttingDown = true;
    LOG.info(() -> "worker " + address + ": shutdown requested; finishing " + (counters.inFlight.get() - 1)
        + " calls in flight");
    long deadline = System.currentTimeMillis() + config.transport().shutdownGrace().toMillis();
    vertx.setPeriodic(20, timer -> {
      boolean idle = counters.inFlight.get() <= 1;
      if (idle || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(timer);
        if (!idle) {
          LOG.warning("worker " + address + ": " + (counters.inFlight.get() - 1)
              + " calls still running after the grace period (transport.shutdown_grace_seconds); their masters will see the"
              + " connection close");
        }
        reply.run();
        vertx.setTimer(200, t -> close().onComplete(ar -> onStopped.run()));
      }
    });
  }

  /** Closes every connection and stops listening. */
  public Future<Void> close() {
    shuttingDown = true;
    if (watchdog >= 0) {
      vertx.cancelTimer(watchdog);
    }
    connections.forEach(Connection::close);
    peerLinks.close();
    userThreads.shutdownNow();
    for (Session s : named.drain()) {
      internal.execute(() -> closeSession(s));
    }
    internal.shutdown();
    return netServer == null ? Future.succeededFuture() : netServer.close();
  }
}
