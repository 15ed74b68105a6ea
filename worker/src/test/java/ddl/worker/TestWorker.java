package ddl.worker;

import ddl.transport.ClusterConfig;
import ddl.transport.TlsConfig;
import ddl.transport.TransportConfig;
import ddl.transport.WorkerAddress;
import ddl.transport.wire.ClassPolicy;
import ddl.transport.wire.Connection;
import ddl.transport.wire.FrameKind;
import ddl.transport.wire.Handshake;
import ddl.transport.wire.PayloadCodec;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/** An in-process worker server on a free port, with clients for it. */
final class TestWorker implements AutoCloseable {
  static final String SECRET = "test-secret-0123456789";
  final Vertx vertx = Vertx.vertx();
  final ClusterConfig config;
  final WorkerServer server;
  final WorkerAddress address;

  TestWorker(TransportConfig transport) {
    address = new WorkerAddress("127.0.0.1", freePort());
    config = new ClusterConfig(Path.of("test-config.yml"), List.of(address), SECRET, transport, TlsConfig.disabled());
    server = new WorkerServer(vertx, config, address, "cpu", code -> { });
    server.start("127.0.0.1").await();
  }

  TestWorker() {
    this(TransportConfig.defaults());
  }

  Connection client() {
    return client(config);
  }

  Connection client(ClusterConfig with) {
    return client(with, null);
  }

  /** A master connection asking for the named session {@code session} (null: its own). */
  Connection client(ClusterConfig with, String session) {
    return Connection.dial(vertx, address, with, Handshake.Role.MASTER, session,
        new PayloadCodec(with.transport(), getClass().getClassLoader(), ClassPolicy.APPLICATION), null).await();
  }

  /** A whole frame as a real master would send it. */
  ByteBuf encode(FrameKind kind, long id, Object value) {
    return new PayloadCodec(config.transport(), getClass().getClassLoader(), ClassPolicy.APPLICATION)
        .encodeFrame(kind, id, value);
  }

  int port() {
    return address.port();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close().await();
    vertx.close().await();
  }
}
