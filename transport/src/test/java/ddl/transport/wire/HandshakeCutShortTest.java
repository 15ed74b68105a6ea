package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.ClusterConfig;
import ddl.transport.WorkerAddress;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that dies during the handshake (seen in the chaos soak: kill -9 while a resumed master
 * connected) is unavailable, not a refusal: before, the master reported it as a refused handshake
 * ("most often the secret differs") and the whole run failed.
 */
class HandshakeCutShortTest {
  @TempDir
  Path dir;

  @Test
  void aConnectionClosedDuringTheHandshakeIsAnUnavailableWorker() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = server.accept()) {
          // accepted, then gone before any greeting: as a worker killed at that moment
        } catch (IOException ignored) {
          // the test ends
        }
      });
      Path file = dir.resolve("config.yml");
      Files.writeString(file, "workers: [127.0.0.1:" + server.getLocalPort() + "]\nsecret: handshake-test-secret-0123\n");
      ClusterConfig config = ClusterConfig.load(file);
      Vertx vertx = Vertx.vertx();
      try {
        Exception e = assertThrows(Exception.class, () -> Connection.dial(vertx, WorkerAddress.parse("127.0.0.1:"
            + server.getLocalPort()), config, Handshake.Role.MASTER, new PayloadCodec(config.transport(),
            getClass().getClassLoader(), ClassPolicy.APPLICATION), null).await());
        assertTrue(e instanceof WorkerUnavailableException && !e.getMessage().contains("secret"), e.toString());
      } finally {
        vertx.close().await();
      }
    }
  }
}
