package ddl.worker;

import ddl.transport.Peers;
import ddl.transport.TransportConfig;
import ddl.transport.WorkerContext;
import ddl.transport.wire.ClassPolicy;
import ddl.transport.wire.EventLoopCheck;
import ddl.transport.wire.PayloadCodec;
import ddl.worker.peer.Mailboxes;
import ddl.worker.peer.PeerLinks;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a master owns on a worker: its shipped classes, the codec that can read them, its named
 * objects and the mailboxes it opened. A session lives as long as its connection, or, when the
 * master named it, until {@code transport.session_keep_seconds} after its last connection closed
 * (see {@link NamedSessions}). Closing it closes the objects (off the event loop) and lets the
 * loader go.
 */
final class Session implements WorkerContext, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Session.class.getName());

  private final String name;
  private final String sessionName;
  private final String workerAddress;
  private final String device;
  private final TransportConfig transport;
  private final Map<String, Object> objects = new ConcurrentHashMap<>();
  private final SessionPeers peers;
  private volatile ShippedClassLoader loader;
  private volatile PayloadCodec codec;

  /**
   * @param name for logs and the loader's name
   * @param sessionName the name the master asked for, or null for a session of one connection
   */
  Session(String name, String sessionName, String workerAddress, String device, TransportConfig transport,
      Mailboxes mailboxes, PeerLinks links) {
    this.name = name;
    this.sessionName = sessionName;
    this.workerAddress = workerAddress;
    this.device = device;
    this.transport = transport;
    this.peers = new SessionPeers(mailboxes, links);
    newLoader();
  }

  private void newLoader() {
    ShippedClassLoader fresh = new ShippedClassLoader(name, Session.class.getClassLoader());
    this.loader = fresh;
    this.codec = new PayloadCodec(transport, fresh, ClassPolicy.APPLICATION);
  }

  String name() {
    return name;
  }

  /** The name the master asked for, or null if the session ends with its connection. */
  String sessionName() {
    return sessionName;
  }

  ShippedClassLoader loader() {
    return loader;
  }

  PayloadCodec codec() {
    return codec;
  }

  /** Drops the objects and the shipped classes; the master ships again on its next call. */
  void reset() {
    closeObjects();
    newLoader();
  }

  @Override
  public String workerAddress() {
    return workerAddress;
  }

  @Override
  public String device() {
    return device;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    return (T) objects.get(key);
  }

  @Override
  public void put(String key, Object value) {
    Object previous = value == null ? objects.remove(key) : objects.put(key, value);
    if (previous != null && previous != value) {
      closeQuietly(key, previous);
    }
  }

  @Override
  public boolean remove(String key) {
    Object previous = objects.remove(key);
    if (previous != null) {
      closeQuietly(key, previous);
    }
    return previous != null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T computeIfAbsent(String key, Supplier<T> factory) {
    Object existing = objects.get(key);
    if (existing != null) {
      return (T) existing;
    }
    T made = factory.get();
    if (made == null) {
      return null;
    }
    Object raced = objects.putIfAbsent(key, made);
    if (raced != null) {
      closeQuietly(key, made);
      return (T) raced;
    }
    return made;
  }

  @Override
  public List<String> keys() {
    List<String> keys = new ArrayList<>(objects.keySet());
    keys.sort(null);
    return keys;
  }

  @Override
  public Peers peers() {
    return peers;
  }

  @Override
  public void close() {
    peers.closeAll("the session " + name + " ended");
    closeObjects();
  }

  private void closeObjects() {
    for (String key : Set.copyOf(objects.keySet())) {
      Object value = objects.remove(key);
      if (value != null) {
        closeQuietly(key, value);
      }
    }
  }

  private void closeQuietly(String key, Object value) {
    if (value instanceof AutoCloseable closeable) {
      EventLoopCheck.notOnEventLoop("closing the session object '" + key + "' (user code)");
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "worker " + workerAddress + ": closing '" + key + "' of " + name + " failed: " + e);
      }
    }
  }

  /** The session's view of the worker's links: remembers the mailboxes it opened, to close them with it. */
  private static final class SessionPeers implements Peers {
    private final Mailboxes mailboxes;
    private final PeerLinks links;
    private final Set<Long> opened = ConcurrentHashMap.newKeySet();

    SessionPeers(Mailboxes mailboxes, PeerLinks links) {
      this.mailboxes = mailboxes;
      this.links = links;
    }

    @Override
    public Future<Void> connect(String address) {
      return links.connect(address);
    }

    @Override
    public Future<Void> send(String address, long box, long key, Object value) {
      return links.send(address, box, key, value);
    }

    @Override
    public Future<Object> receive(long box, long key) {
      return mailboxes.receive(box, key);
    }

    @Override
    public void open(long box) {
      mailboxes.open(box);
      opened.add(box);
    }

    @Override
    public void close(long box, String why) {
      opened.remove(box);
      mailboxes.close(box, why);
    }

    void closeAll(String why) {
      for (Long box : Set.copyOf(opened)) {
        close(box, why);
      }
    }
  }
}
