package ddl.worker;

import ddl.transport.wire.Connection;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The sessions masters asked to keep by name: a session stays while a connection uses it, and for
 * {@code transport.session_keep_seconds} after its last connection closed, so a master that
 * reconnects with the same name finds its objects and shipped classes again. A second connection
 * that asks for a session in use takes it over (the first one is closed: a master that reconnects
 * after a silent network drop would otherwise wait for the old connection's heartbeat to time out).
 * Timers run on the event loop; closing a dropped session runs on a virtual thread.
 */
final class NamedSessions {
  private final Vertx vertx;
  private final long keepMillis;
  private final Consumer<Session> close;
  private final Map<String, Kept> byName = new HashMap<>();

  private static final class Kept {
    final Session session;
    Connection attached;
    long timer = -1;

    Kept(Session session) {
      this.session = session;
    }
  }

  /**
   * @param close closes a session that expired (called off the event loop)
   */
  NamedSessions(Vertx vertx, long keepMillis, Consumer<Session> close) {
    this.vertx = vertx;
    this.keepMillis = keepMillis;
    this.close = close;
  }

  /** The session named {@code name}, made by {@code open} if there is none; now used by {@code connection}. */
  Session attach(String name, Connection connection, Supplier<Session> open) {
    Connection previous;
    Session session;
    synchronized (this) {
      Kept kept = byName.get(name);
      if (kept == null) {
        kept = new Kept(open.get());
        byName.put(name, kept);
      }
      if (kept.timer >= 0) {
        vertx.cancelTimer(kept.timer);
        kept.timer = -1;
      }
      previous = kept.attached;
      kept.attached = connection;
      session = kept.session;
    }
    if (previous != null && previous != connection) {
      previous.close();
    }
    return session;
  }

  /** {@code connection} closed: if it held {@code session}, keep the session for the keep time, then drop it. */
  void detached(Session session, Connection connection) {
    synchronized (this) {
      Kept kept = byName.get(session.sessionName());
      if (kept == null || kept.session != session || kept.attached != connection) {
        return; // taken over by a newer connection, or dropped already
      }
      kept.attached = null;
      kept.timer = vertx.setTimer(keepMillis, t -> expire(kept));
    }
  }

  private void expire(Kept kept) {
    synchronized (this) {
      if (kept.attached != null || byName.get(kept.session.sessionName()) != kept) {
        return;
      }
      byName.remove(kept.session.sessionName());
    }
    Thread.ofVirtual().name("ddl-expire-" + kept.session.name()).start(() -> close.accept(kept.session));
  }

  /** Named sessions no connection uses now (kept until their time runs out). */
  synchronized int detachedCount() {
    int n = 0;
    for (Kept k : byName.values()) {
      if (k.attached == null) {
        n++;
      }
    }
    return n;
  }

  /** Drops every kept session (the worker stops); returns them for closing. */
  synchronized List<Session> drain() {
    List<Session> all = new ArrayList<>();
    for (Kept k : byName.values()) {
      if (k.timer >= 0) {
        vertx.cancelTimer(k.timer);
      }
      all.add(k.session);
    }
    byName.clear();
    return all;
  }
}
