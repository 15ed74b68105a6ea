package ddl.worker;

import ddl.transport.ClassPolicy;
import ddl.transport.ClusterConfig;
import ddl.transport.PayloadCodec;
import ddl.transport.RpcClient;
import ddl.transport.TlsConfig;
import ddl.transport.TransportConfig;
import ddl.transport.WorkerAddress;
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
    server = new WorkerServer(vertx, config, address, "cpu", () -> { });
    server.start("127.0.0.1").await();
  }

  TestWorker() {
    this(TransportConfig.defaults());
  }

  RpcClient client() {
    return client(config);
  }

  RpcClient client(ClusterConfig with) {
    return RpcClient.connect(vertx, address, with,
        new PayloadCodec(with.transport(), getClass().getClassLoader(), ClassPolicy.APPLICATION)).await();
  }

  /** A whole frame as a real master would send it. */
  io.vertx.core.buffer.Buffer encode(ddl.transport.FrameKind kind, long id, Object value) {
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
