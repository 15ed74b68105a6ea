package ddl.worker;

import ddl.transport.wire.Connection;
import ddl.transport.wire.Messages;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dispatches a master's requests to the right thread. The event loop answers only what cannot
 * block and runs no user code (pings, stats, keys); work of the worker's own that may block (class
 * definition, storing and reading objects, closing them) runs on virtual threads; user code
 * (function and method calls) runs on platform threads of its own, so a call that never yields
 * cannot starve the threads that serve other calls, heartbeats or class shipping.
 */
final class SessionRequests implements Connection.Inbound {
  private final WorkerServer server;
  private final Session session;
  private final ExecutorService internal;
  private final ExecutorService userThreads;
  private final Map<Long, RunningCall> running = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  SessionRequests(WorkerServer server, Session session, ExecutorService internal, ExecutorService userThreads) {
    this.server = server;
    this.session = session;
    this.internal = internal;
    this.userThreads = userThreads;
  }

  Session session() {
    return session;
  }

  @Override
  public void request(Connection connection, long id, Object decoded) {
    if (!(decoded instanceof Messages.Request request) || decoded instanceof Messages.PeerDelivery) {
      connection.replyError(id, new IllegalArgumentException("a master may not send a "
          + (decoded == null ? "null" : decoded.getClass().getName())));
      return;
    }
    if (server.shuttingDown() && !(request instanceof Messages.Shutdown)) {
      connection.replyError(id, new ddl.transport.WorkerShuttingDownException(server.address()));
      return;
    }
    int max = server.config().transport().maxInFlight();
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      connection.replyError(id, new IllegalStateException("more than " + max
          + " requests in flight on one connection (transport.max_in_flight); wait for replies first"));
      return;
    }
    server.counters().inFlight.incrementAndGet();
    switch (request) {
      case Messages.Shutdown s -> server.shutdown(() -> reply(connection, id, null));
      case Messages.Ping p -> reply(connection, id, p);
      case Messages.Stats s -> reply(connection, id, server.stats());
      case Messages.Keys k -> reply(connection, id, session.keys());
      case Messages.Invoke invoke -> runUserCall(connection, id, request, describe(invoke));
      case Messages.InvokeMethod m -> runUserCall(connection, id, request, "call of " + m.className() + "." + m.methodName());
      default -> internal.execute(() -> run(connection, id, request));
    }
  }

  private void runUserCall(Connection connection, long id, Messages.Request request, String what) {
    RunningCall call = new RunningCall(id, what, session.name());
    running.put(id, call);
    long queued = System.nanoTime();
    userThreads.execute(() -> {
      call.started();
      Thread.currentThread().setContextClassLoader(session.loader());
      try {
        run(connection, id, request);
      } finally {
        running.remove(id, call);
        call.finished();
        server.counters().callNanos.accept(System.nanoTime() - queued);
      }
    });
  }

  private void run(Connection connection, long id, Messages.Request request) {
    Object result;
    try {
      result = server.handler().handle(session, request);
    } catch (Throwable t) {
      finished();
      connection.replyError(id, t);
      return;
    }
    reply(connection, id, result);
  }

  private void reply(Connection connection, long id, Object value) {
    finished();
    connection.reply(id, value);
  }

  private void finished() {
    inFlight.decrementAndGet();
    server.counters().inFlight.decrementAndGet();
    server.counters().callsServed.incrementAndGet();
  }

  /** The master gave up on call {@code id}: interrupt it if it still runs (its reply is dropped). */
  @Override
  public void cancel(Connection connection, long id) {
    RunningCall call = running.get(id);
    if (call != null) {
      call.cancel();
      server.runaways().watch(call);
    }
  }

  /**
   * The master is gone: stop its calls, then close its session's objects (off the event loop), or
   * keep a named session for its keep time.
   */
  @Override
  public void closed(Connection connection) {
    for (RunningCall call : running.values()) {
      call.cancel();
      server.runaways().watch(call);
    }
    Thread.ofVirtual().name("ddl-close-" + session.name()).start(() -> server.connectionEnded(session, connection));
  }

  private static String describe(Messages.Invoke invoke) {
    return "call of " + invoke.function().getClass().getName().replaceAll("\\$\\$Lambda.*", " lambda");
  }
}
