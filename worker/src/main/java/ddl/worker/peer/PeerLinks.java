package ddl.worker.peer;

import ddl.transport.CallOptions;
import ddl.transport.ClusterConfig;
import ddl.transport.WorkerAddress;
import ddl.transport.wire.ClassPolicy;
import ddl.transport.wire.Connection;
import ddl.transport.wire.Handshake;
import ddl.transport.wire.Messages;
import ddl.transport.wire.PayloadCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This worker's connections to other workers, dialed on first use and kept while they stay open:
 * one per peer address, shared by every session and collective of this worker.
 */
public final class PeerLinks {
  private final Vertx vertx;
  private final ClusterConfig config;
  private final PayloadCodec codec;
  private final Map<String, Future<Connection>> links = new ConcurrentHashMap<>();

  public PeerLinks(Vertx vertx, ClusterConfig config) {
    this.vertx = vertx;
    this.config = config;
    // Between workers only the protocol's registered records travel: no shipped classes. Nothing is
    // compressed: collectives move gradient pieces that a sparse layer makes compressible, but on
    // a 2-core worker compressing them took CPU from backward (zstd was a fifth of the worker's
    // Java samples in a ring run) while loopback and 10 GbE links have bandwidth to spare.
    this.codec = new PayloadCodec(config.transport().withoutCompression(), PeerLinks.class.getClassLoader(),
        ClassPolicy.REGISTERED_ONLY);
  }

  /** Delivers a value to mailbox {@code box} of the worker at {@code address}. */
  public Future<Void> send(String address, long box, long key, Object value) {
    return link(address).compose(c -> c.<Object>call(new Messages.PeerDelivery(box, key, value), CallOptions.DEFAULT))
        .mapEmpty();
  }

  /** Connects to the worker at {@code address} (once; later calls share the link). */
  public Future<Void> connect(String address) {
    return link(address).mapEmpty();
  }

  private Future<Connection> link(String address) {
    Future<Connection> existing = links.get(address);
    if (existing != null && (!existing.isComplete() || existing.succeeded() && existing.result().isOpen())) {
      return existing;
    }
    Future<Connection> dialing = Connection.dial(vertx, WorkerAddress.parse(address), config, Handshake.Role.PEER,
        codec, null);
    links.put(address, dialing);
    dialing.onFailure(e -> links.remove(address, dialing));
    return dialing;
  }

  /** Bytes sent to other workers over open links. */
  public long bytesSent() {
    long n = 0;
    for (Future<Connection> f : links.values()) {
      if (f.succeeded()) {
        n += f.result().bytesSent();
      }
    }
    return n;
  }

  /** Closes every link. */
  public void close() {
    links.values().forEach(f -> f.onSuccess(Connection::close));
    links.clear();
  }
}
