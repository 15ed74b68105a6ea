package ddl.worker;

import ddl.transport.ClassPolicy;
import ddl.transport.PayloadCodec;
import ddl.transport.TransportConfig;
import ddl.transport.WorkerContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What one master connection owns on a worker: its shipped classes, the codec that can read them,
 * and its named objects. Closing it closes the objects and lets the loader go.
 */
final class Session implements WorkerContext, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Session.class.getName());

  private final String name;
  private final String workerAddress;
  private final String device;
  private final TransportConfig transport;
  private final Map<String, Object> objects = new ConcurrentHashMap<>();
  private volatile ShippedClassLoader loader;
  private volatile PayloadCodec codec;

  Session(String name, String workerAddress, String device, TransportConfig transport) {
    this.name = name;
    this.workerAddress = workerAddress;
    this.device = device;
    this.transport = transport;
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
    return (T) objects.computeIfAbsent(key, k -> factory.get());
  }

  @Override
  public void close() {
    closeObjects();
  }

  private void closeObjects() {
    for (String key : objects.keySet()) {
      Object value = objects.remove(key);
      if (value != null) {
        closeQuietly(key, value);
      }
    }
  }

  private void closeQuietly(String key, Object value) {
    if (value instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "worker " + workerAddress + ": closing '" + key + "' of " + name + " failed: " + e);
      }
    }
  }
}
