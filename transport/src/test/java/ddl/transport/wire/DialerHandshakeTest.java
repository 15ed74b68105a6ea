package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.AuthenticationException;
import ddl.transport.WorkerUnavailableException;
import ddl.transport.ClusterConfig;
import ddl.transport.TlsConfig;
import ddl.transport.TransportConfig;
import ddl.transport.WorkerAddress;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The master's side of the handshake against a fake worker (a plain server socket) that misbehaves. */
class DialerHandshakeTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private ClusterConfig config(int port) {
    TransportConfig t = TransportConfig.defaults();
    TransportConfig quick = new TransportConfig(t.maxMessageBytes(), t.maxInFlight(), t.compressThresholdBytes(),
        t.compressionLevel(), t.linkMbits(), t.callTimeout(), Duration.ofSeconds(1), t.heartbeatInterval(), t.writeQueueMaxBytes(),
        t.runawayGrace(), t.sessionKeep(), t.shutdownGrace());
    return new ClusterConfig(Path.of("test.yml"), List.of(new WorkerAddress("127.0.0.1", port)),
        "test-secret-0123456789", quick, TlsConfig.disabled());
  }

  private PayloadCodec codec(ClusterConfig c) {
    return new PayloadCodec(c.transport(), getClass().getClassLoader(), ClassPolicy.APPLICATION);
  }

  @Test
  void aWorkerThatNeverGreetsTimesOutAndTheSocketIsClosed() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      ClusterConfig c = config(server.getLocalPort());
      var dialing = Connection.dial(vertx, c.workers().get(0), c, Handshake.Role.MASTER, codec(c), null);
      try (Socket accepted = server.accept()) {
        accepted.setSoTimeout(5000);
        // Silent, not refusing: the worker counts as unavailable (a busy or hung one), not as a wrong secret.
        WorkerUnavailableException e = assertThrows(WorkerUnavailableException.class, dialing::await);
        assertTrue(e.getMessage().contains("did not complete the handshake"), e.getMessage());
        // The master closed its end: the fake worker reads end of stream, not a timeout.
        assertEquals(-1, accepted.getInputStream().read(), "the timed-out handshake left the socket open");
      }
    }
  }

  @Test
  void aWorkerOfAnotherWireContractIsRefusedNamingBothVersions() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      ClusterConfig c = config(server.getLocalPort());
      CompletableFuture<Boolean> closedByMaster = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          s.setSoTimeout(5000);
          byte[] other = "0.0-other".getBytes(StandardCharsets.UTF_8);
          java.io.ByteArrayOutputStream hello = new java.io.ByteArrayOutputStream();
          hello.write(new byte[Handshake.NONCE_BYTES]);
          hello.write(HexFormat.of().parseHex("0123456789abcdef"));
          hello.write(other.length);
          hello.write(other);
          new DataOutputStream(s.getOutputStream()).write(Frame.of(FrameKind.HELLO, 0, hello.toByteArray())
              .encode().getBytes());
          return new DataInputStream(s.getInputStream()).read() == -1;
        } catch (Exception e) {
          return false;
        }
      });
      AuthenticationException e = assertThrows(AuthenticationException.class,
          () -> Connection.dial(vertx, c.workers().get(0), c, Handshake.Role.MASTER, codec(c), null).await());
      assertTrue(e.getMessage().contains("DDL 0.0-other (wire contract 0123456789abcdef)"), e.getMessage());
      assertTrue(e.getMessage().contains("this side DDL " + WireContract.version() + " (wire contract "
          + WireContract.fingerprint() + ")"), e.getMessage());
      assertTrue(closedByMaster.get(10, TimeUnit.SECONDS), "the master closed the connection it refused");
    }
  }
}
