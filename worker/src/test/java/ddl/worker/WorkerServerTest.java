package ddl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.AuthenticationException;
import ddl.transport.CallTimeoutException;
import ddl.transport.ClusterConfig;
import ddl.transport.Frame;
import ddl.transport.FrameKind;
import ddl.transport.Messages;
import ddl.transport.RemoteException;
import ddl.transport.RpcClient;
import ddl.transport.TransportConfig;
import ddl.transport.testing.RawMaster;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerServerTest {
  private static final Duration T = Duration.ofSeconds(10);
  private TestWorker worker = new TestWorker();

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void repliesArriveOutOfOrderAndPingIsNotDelayedByALongCall() {
    RpcClient client = worker.client();
    Future<String> slow = client.call(new Messages.InvokeMethod(Probe.class.getName(), "sleepThenAnswer",
        new Object[] {800}), T);
    long start = System.nanoTime();
    client.call(new Messages.Ping(1), T).await();
    long pingMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(!slow.isComplete(), "the ping's reply overtook the slow call's");
    assertTrue(pingMillis < 700, "ping took " + pingMillis + " ms while a long call ran");
    assertEquals("slept 800", slow.await());
    client.close().await();
  }

  @Test
  void manyCallsInFlightAllGetTheirOwnReply() {
    RpcClient client = worker.client();
    List<Future<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      calls.add(client.call(new Messages.Put("k" + i, i), T));
    }
    Future.all(calls).await();
    List<Future<Integer>> gets = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      gets.add(client.call(new Messages.Get("k" + i), T));
    }
    for (int i = 0; i < 2000; i++) {
      assertEquals(i, gets.get(i).await());
    }
  }

  @Test
  void remoteExceptionCarriesClassMessageAndStack() {
    RpcClient client = worker.client();
    RemoteException e = assertThrows(RemoteException.class, () -> client.call(
        new Messages.InvokeMethod(Probe.class.getName(), "fail", new Object[] {7}), T).await());
    assertEquals(IllegalStateException.class.getName(), e.remoteClassName());
    assertEquals("failing on purpose with 7", e.remoteMessage());
    assertEquals(Probe.class.getName(), e.getCause().getStackTrace()[0].getClassName());
    assertTrue(e.getStackTrace()[0].getClassName().startsWith("ddl.transport.RpcClient")
        || e.getStackTrace().length > 0, "the local stack is the call site");
  }

  @Test
  void methodByNameGetsTheSessionContext() {
    RpcClient client = worker.client();
    assertEquals(worker.address + "!", client.call(new Messages.InvokeMethod(Probe.class.getName(), "where",
        new Object[] {"!"}), T).await());
  }

  @Test
  void sessionStateIsPerConnectionAndResetClearsIt() {
    RpcClient a = worker.client();
    RpcClient b = worker.client();
    a.call(new Messages.Put("model", "weights-a"), T).await();
    assertEquals("weights-a", a.call(new Messages.Get("model"), T).await());
    assertNull(b.call(new Messages.Get("model"), T).await());
    a.call(new Messages.Reset(), T).await();
    assertNull(a.call(new Messages.Get("model"), T).await());
    Messages.WorkerStats stats = a.<Messages.WorkerStats>call(new Messages.Stats(), T).await();
    assertEquals(2, stats.sessions());
    assertTrue(stats.callsServed() >= 4);
    assertTrue(stats.bytesIn() > 0 && stats.heapUsedBytes() > 0);
  }

  @Test
  void wrongSecretIsRefusedAndTheWorkerKeepsServing() {
    ClusterConfig wrong = new ClusterConfig(worker.config.source(), worker.config.workers(),
        "another-secret-0123456789", worker.config.transport(), worker.config.tls());
    assertThrows(AuthenticationException.class, () -> worker.client(wrong));
    worker.client().call(new Messages.Ping(1), T).await();
  }

  @Test
  void requestBeforeHandshakeIsRefusedAndNothingRuns() throws Exception {
    int before = Probe.RUNS.get();
    try (RawMaster raw = new RawMaster(worker.port())) {
      raw.read(); // HELLO
      raw.send(worker.encode(FrameKind.REQUEST, 1, new Messages.InvokeMethod(Probe.class.getName(), "count", new Object[0])));
      assertTrue(raw.closedByPeer());
    }
    assertEquals(before, Probe.RUNS.get());
  }

  @Test
  void replayedHandshakeIsRefused() throws Exception {
    byte[] recordedAuth;
    try (RawMaster first = new RawMaster(worker.port())) {
      Frame hello = first.read();
      byte[] nonce = ddl.transport.Handshake.nonce();
      byte[] proof = ddl.transport.Handshake.proof(TestWorker.SECRET, "master", worker.address.toString(), hello.payload().getBytes(), nonce);
      recordedAuth = Frame.of(FrameKind.AUTH, 0, Buffer.buffer(nonce).appendBytes(proof)).encode().getBytes();
      first.send(recordedAuth);
      assertEquals(FrameKind.AUTH_OK, first.read().kind());
    }
    try (RawMaster replay = new RawMaster(worker.port())) {
      replay.read();
      replay.send(recordedAuth);
      assertTrue(replay.closedByPeer());
    }
  }

  @Test
  void proofMadeForAnotherWorkerIsRefused() throws Exception {
    try (RawMaster relay = new RawMaster(worker.port())) {
      Frame hello = relay.read();
      byte[] nonce = ddl.transport.Handshake.nonce();
      byte[] proof = ddl.transport.Handshake.proof(TestWorker.SECRET, "master", "10.9.9.9:7101",
          hello.payload().getBytes(), nonce);
      relay.send(Frame.of(FrameKind.AUTH, 0, Buffer.buffer(nonce).appendBytes(proof)).encode());
      assertTrue(relay.closedByPeer(), "a proof bound to another worker's address does not open this one");
    }
  }

  @Test
  void oversizedPreAuthFrameClosesTheConnection() throws Exception {
    try (RawMaster raw = new RawMaster(worker.port())) {
      raw.read();
      raw.send(Buffer.buffer().appendInt(100_000_000).appendBytes(new byte[64]));
      assertTrue(raw.closedByPeer());
    }
    worker.client().call(new Messages.Ping(1), T).await();
  }

  @Test
  void malformedPayloadGetsAnErrorReplyAndTheConnectionStays() throws Exception {
    try (RawMaster raw = RawMaster.authenticated(worker.port(), TestWorker.SECRET)) {
      raw.send(Frame.of(FrameKind.REQUEST, 5, Buffer.buffer(new byte[] {(byte) 0xee, 1, 2, 3})).encode());
      Frame reply = raw.read();
      assertEquals(FrameKind.ERROR, reply.kind());
      assertEquals(5, reply.requestId());
      raw.send(worker.encode(FrameKind.REQUEST, 6, new Messages.Ping(3)));
      assertEquals(FrameKind.RESPONSE, raw.read().kind());
    }
  }

  @Test
  void unknownFrameKindAfterAuthClosesOnlyThatConnection() throws Exception {
    RpcClient other = worker.client();
    try (RawMaster raw = RawMaster.authenticated(worker.port(), TestWorker.SECRET)) {
      Buffer bad = Frame.of(FrameKind.REQUEST, 1, null).encode();
      bad.setByte(5, (byte) 15);
      raw.send(bad);
      assertTrue(raw.closedByPeer());
    }
    other.call(new Messages.Ping(2), T).await();
  }

  @Test
  void frameAboveLimitClosesThatConnectionAndOthersAreServed() throws Exception {
    worker.close();
    worker = new TestWorker(withLimits(64 * 1024, 100));
    RpcClient other = worker.client();
    try (RawMaster raw = RawMaster.authenticated(worker.port(), TestWorker.SECRET)) {
      raw.send(Buffer.buffer().appendInt(10_000_000).appendBytes(new byte[1000]));
      assertTrue(raw.closedByPeer());
    }
    other.call(new Messages.Ping(2), T).await();
  }

  @Test
  void callsBeyondTheInFlightLimitAreRefusedAndTheWorkerKeepsServing() {
    worker.close();
    worker = new TestWorker(withLimits(1 << 20, 3));
    // The client's own limit is higher, so the worker sees the excess.
    RpcClient client = worker.client(new ClusterConfig(worker.config.source(), worker.config.workers(),
        TestWorker.SECRET, withLimits(1 << 20, 100), worker.config.tls()));
    List<Future<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(client.call(new Messages.InvokeMethod(Probe.class.getName(), "sleepThenAnswer",
          new Object[] {300}), T));
    }
    Future.join(calls).otherwiseEmpty().await();
    long refused = calls.stream().filter(Future::failed).count();
    assertTrue(refused >= 5, refused + " refused");
    RemoteException e = (RemoteException) calls.stream().filter(Future::failed).findFirst().orElseThrow().cause();
    assertTrue(e.remoteMessage().contains("max_in_flight"), e.remoteMessage());
    assertInstanceOf(Messages.Ping.class, client.call(new Messages.Ping(9), T).await());
  }

  @Test
  void callWithoutReplyTimesOutNamingTheWorker() {
    RpcClient client = worker.client();
    CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> client.call(
        new Messages.InvokeMethod(Probe.class.getName(), "sleepThenAnswer", new Object[] {2000}),
        Duration.ofMillis(300)).await());
    assertTrue(e.getMessage().contains(worker.address.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("sleepThenAnswer"), e.getMessage());
  }

  @Test
  void callPastItsDeadlineIsInterruptedOnTheWorker() throws Exception {
    RpcClient client = worker.client();
    int before = Probe.INTERRUPTED.get();
    assertThrows(CallTimeoutException.class, () -> client.call(new Messages.InvokeMethod(Probe.class.getName(),
        "sleepThenAnswer", new Object[] {10_000}), Duration.ofMillis(200)).await());
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (Probe.INTERRUPTED.get() == before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(before + 1, Probe.INTERRUPTED.get(), "the worker stopped the call the master gave up on");
  }

  @Test
  void aFloodOfUnauthenticatedConnectionsIsCappedAndServiceResumes() throws Exception {
    RpcClient existing = worker.client();
    List<RawMaster> flood = new ArrayList<>();
    try {
      for (int i = 0; i < WorkerServer.MAX_HANDSHAKING; i++) {
        flood.add(new RawMaster(worker.port()));
        flood.get(i).read(); // HELLO: this one counts as waiting to authenticate
      }
      try (RawMaster extra = new RawMaster(worker.port())) {
        assertTrue(extra.closedByPeer(2000), "connection beyond the cap is closed at once");
      }
      existing.call(new Messages.Ping(1), T).await(); // authenticated sessions are unaffected
    } finally {
      for (RawMaster m : flood) {
        m.close();
      }
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try {
        worker.client().call(new Messages.Ping(2), T).await();
        break;
      } catch (RuntimeException refused) {
        if (System.nanoTime() > deadline) {
          throw refused;
        }
        Thread.sleep(50);
      }
    }
  }

  private static TransportConfig withLimits(int maxFrame, int maxInFlight) {
    TransportConfig d = TransportConfig.defaults();
    return new TransportConfig(maxFrame, d.maxDecompressedBytes(), maxInFlight, d.compressThresholdBytes(),
        d.compressionLevel(), d.callTimeout(), d.connectTimeout(), d.heartbeatInterval(), d.writeQueueMaxBytes());
  }
}
