package ddl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.AuthenticationException;
import ddl.transport.CallOptions;
import ddl.transport.CallTimeoutException;
import ddl.transport.ClusterConfig;
import ddl.transport.RemoteException;
import ddl.transport.TransportConfig;
import ddl.transport.wire.Connection;
import ddl.transport.wire.Frame;
import ddl.transport.wire.FrameKind;
import ddl.transport.wire.Handshake;
import ddl.transport.wire.Messages;
import ddl.transport.testing.RawMaster;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerServerTest {
  private static final CallOptions T = CallOptions.timeout(Duration.ofSeconds(10));
  private TestWorker worker = new TestWorker();

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void repliesArriveOutOfOrderAndPingIsNotDelayedByALongCall() throws Exception {
    Connection client = worker.client();
    Probe.started = new CountDownLatch(1);
    Probe.release = new CountDownLatch(1);
    Future<Integer> blocked = client.call(block(5), T);
    Probe.started.await();
    client.call(new Messages.Ping(1), T).await(); // answered while the call holds its thread
    assertTrue(!blocked.isComplete(), "the ping's reply overtook the blocked call's");
    Probe.release.countDown();
    assertEquals(5, blocked.await());
    client.close().await();
  }

  /** Calls that end at once (before their bookkeeping could have started) leave no running call behind. */
  @Test
  void instantCallsLeaveNoRunningCallBehind() throws Exception {
    Connection client = worker.client();
    List<Future<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      calls.add(client.call(new Messages.InvokeMethod(Probe.class.getName(), "count", new String[0], new Object[0],
          null), T));
    }
    Future.all(calls).await();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    Messages.WorkerStats stats = client.<Messages.WorkerStats>call(new Messages.Stats(), T).await();
    // The Stats request counts itself: 1 means nothing else runs.
    while (stats.callsRunning() != 1 && System.nanoTime() < deadline) {
      Thread.sleep(20); // a reply may overtake its call's last bookkeeping by a moment; a stale entry stays forever
      stats = client.<Messages.WorkerStats>call(new Messages.Stats(), T).await();
    }
    assertEquals(1, stats.callsRunning(), "running calls left behind after 3,000 instant calls");
  }

  @Test
  void manyCallsInFlightAllGetTheirOwnReply() {
    Connection client = worker.client();
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
    Connection client = worker.client();
    RemoteException e = assertThrows(RemoteException.class, () -> client.call(
        new Messages.InvokeMethod(Probe.class.getName(), "fail", new String[] {"int"}, new Object[] {7}, null), T).await());
    assertEquals(IllegalStateException.class.getName(), e.remoteClassName());
    assertEquals("failing on purpose with 7", e.remoteMessage());
    assertEquals(Probe.class.getName(), e.getCause().getStackTrace()[0].getClassName());
    assertTrue(java.util.Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getClassName().equals(
        WorkerServerTest.class.getName()) && f.getMethodName().equals("remoteExceptionCarriesClassMessageAndStack")),
        "the local stack is the call site: " + java.util.Arrays.toString(e.getStackTrace()));
  }

  @Test
  void methodByNameGetsTheSessionContext() {
    Connection client = worker.client();
    assertEquals(worker.address + "!", client.call(new Messages.InvokeMethod(Probe.class.getName(), "where",
        new String[] {"ddl.transport.WorkerContext", "java.lang.String"}, new Object[] {"!"}, null), T).await());
  }

  @Test
  void sessionStateIsPerConnectionAndResetClearsIt() {
    Connection a = worker.client();
    Connection b = worker.client();
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
      raw.send(worker.encode(FrameKind.REQUEST, 1, new Messages.InvokeMethod(Probe.class.getName(), "count", new String[0], new Object[0], null)));
      assertTrue(raw.closedByPeer());
    }
    assertEquals(before, Probe.RUNS.get());
  }

  @Test
  void replayedHandshakeIsRefused() throws Exception {
    byte[] recordedAuth;
    try (RawMaster first = new RawMaster(worker.port())) {
      Frame hello = first.read();
      Handshake.Dialer dialer = new Handshake.Dialer(TestWorker.SECRET, worker.address.toString(), Handshake.Role.MASTER);
      recordedAuth = RawMaster.frame(FrameKind.AUTH, 0, io.netty.buffer.ByteBufUtil.getBytes(dialer.onHello(hello.payload())));
      first.send(recordedAuth);
      assertEquals(FrameKind.AUTH_OK, first.read().kind());
    }
    try (RawMaster replay = new RawMaster(worker.port())) {
      replay.read();
      replay.send(recordedAuth);
      Frame refused = replay.read();
      assertEquals(FrameKind.REFUSED, refused.kind());
      assertTrue(replay.closedByPeer());
    }
  }

  @Test
  void proofMadeForAnotherWorkerIsRefused() throws Exception {
    try (RawMaster relay = new RawMaster(worker.port())) {
      Frame hello = relay.read();
      Handshake.Dialer dialer = new Handshake.Dialer(TestWorker.SECRET, "10.9.9.9:7101", Handshake.Role.MASTER);
      relay.send(RawMaster.frame(FrameKind.AUTH, 0, io.netty.buffer.ByteBufUtil.getBytes(dialer.onHello(hello.payload()))));
      assertEquals(FrameKind.REFUSED, relay.read().kind());
      assertTrue(relay.closedByPeer(), "a proof bound to another worker's address does not open this one");
    }
  }

  @Test
  void aMasterOfAnotherWireContractIsRefusedNamingBothVersions() throws Exception {
    try (RawMaster raw = new RawMaster(worker.port())) {
      raw.read(); // HELLO
      byte[] other = "0.0-other".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      io.netty.buffer.ByteBuf auth = io.netty.buffer.Unpooled.buffer();
      auth.writeByte(1); // master
      auth.writeBytes(new byte[Handshake.NONCE_BYTES + Handshake.PROOF_BYTES]);
      auth.writeBytes(java.util.HexFormat.of().parseHex("0123456789abcdef"));
      auth.writeByte(other.length).writeBytes(other).writeByte(0);
      raw.send(RawMaster.frame(FrameKind.AUTH, 0, io.netty.buffer.ByteBufUtil.getBytes(auth)));
      Frame refused = raw.read();
      assertEquals(FrameKind.REFUSED, refused.kind());
      String why = refused.payload().toString(java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(why.contains("DDL 0.0-other (wire contract 0123456789abcdef)"), why);
      assertTrue(why.contains("worker " + worker.address + " DDL " + ddl.transport.wire.WireContract.version()
          + " (wire contract " + ddl.transport.wire.WireContract.fingerprint() + ")"), why);
      assertTrue(raw.closedByPeer());
    }
  }

  @Test
  void aDialerThatNeverAuthenticatesIsClosedAfterTheConnectTimeout() throws Exception {
    worker.close();
    TransportConfig d = TransportConfig.defaults();
    worker = new TestWorker(new TransportConfig(d.maxMessageBytes(), d.maxInFlight(), d.compressThresholdBytes(),
        d.compressionLevel(), d.linkMbits(), d.callTimeout(), Duration.ofSeconds(1), d.heartbeatInterval(),
        d.writeQueueMaxBytes(), d.runawayGrace(), d.sessionKeep(), d.shutdownGrace()));
    try (RawMaster silent = new RawMaster(worker.port())) {
      assertEquals(FrameKind.HELLO, silent.read().kind());
      assertTrue(silent.closedByPeer(5000), "a dialer silent past connect_timeout_seconds is closed");
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
      raw.send(RawMaster.frame(FrameKind.REQUEST, 5, new byte[] {(byte) 0xee, 1, 2, 3}));
      Frame reply = raw.read();
      assertEquals(FrameKind.ERROR, reply.kind());
      assertEquals(5, reply.requestId());
      raw.send(worker.encode(FrameKind.REQUEST, 6, new Messages.Ping(3)));
      assertEquals(FrameKind.RESPONSE, raw.read().kind());
    }
  }

  @Test
  void unknownFrameKindAfterAuthClosesOnlyThatConnection() throws Exception {
    Connection other = worker.client();
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
    Connection other = worker.client();
    try (RawMaster raw = RawMaster.authenticated(worker.port(), TestWorker.SECRET)) {
      raw.send(Buffer.buffer().appendInt(Frame.MAX_FRAME + 1).appendBytes(new byte[1000]));
      assertTrue(raw.closedByPeer());
    }
    other.call(new Messages.Ping(2), T).await();
  }

  @Test
  void callsBeyondTheInFlightLimitAreRefusedAndTheWorkerKeepsServing() {
    worker.close();
    worker = new TestWorker(withLimits(3));
    // The client's own limit is higher, so the worker sees the excess.
    Connection client = worker.client(new ClusterConfig(worker.config.source(), worker.config.workers(),
        TestWorker.SECRET, withLimits(100), worker.config.tls()));
    Probe.release = new CountDownLatch(1);
    List<Future<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(client.call(block(i), T));
    }
    // The first three hold their slots until released, so the other five are refused.
    Future.join(calls.subList(3, 8)).otherwiseEmpty().await();
    Probe.release.countDown();
    Future.join(calls).otherwiseEmpty().await();
    long refused = calls.stream().filter(Future::failed).count();
    assertEquals(5, refused, refused + " refused");
    RemoteException e = (RemoteException) calls.stream().filter(Future::failed).findFirst().orElseThrow().cause();
    assertTrue(e.remoteMessage().contains("max_in_flight"), e.remoteMessage());
    assertInstanceOf(Messages.Ping.class, client.call(new Messages.Ping(9), T).await());
  }

  @Test
  void callWithoutReplyTimesOutNamingTheWorker() {
    Connection client = worker.client();
    Probe.release = new CountDownLatch(1); // never released
    CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> client.call(
        block(2), CallOptions.timeout(Duration.ofMillis(300))).await());
    assertTrue(e.getMessage().contains(worker.address.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("block"), e.getMessage());
  }

  @Test
  void callPastItsDeadlineIsInterruptedOnTheWorker() throws Exception {
    Connection client = worker.client();
    Probe.release = new CountDownLatch(1); // never released: only an interrupt ends the call
    Probe.interrupted = new CountDownLatch(1);
    assertThrows(CallTimeoutException.class, () -> client.call(block(1), CallOptions.timeout(Duration.ofMillis(200)))
        .await());
    assertTrue(Probe.interrupted.await(10, java.util.concurrent.TimeUnit.SECONDS),
        "the worker stopped the call the master gave up on");
  }

  @Test
  void aFloodOfUnauthenticatedConnectionsIsCappedAndServiceResumes() throws Exception {
    Connection existing = worker.client();
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
      // A real master is told the worker is busy, not that its secret may be wrong.
      Exception busy = assertThrows(Exception.class, () -> worker.client());
      assertTrue(busy instanceof ddl.transport.WorkerUnavailableException && busy.getMessage().contains("too busy")
          && !busy.getMessage().contains("secret"), busy.toString());
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

  @Test
  void silentMasterIsDropped() throws Exception {
    worker.close();
    TransportConfig d = TransportConfig.defaults();
    worker = new TestWorker(new TransportConfig(d.maxMessageBytes(), d.maxInFlight(), d.compressThresholdBytes(),
        d.compressionLevel(), d.linkMbits(), d.callTimeout(), d.connectTimeout(), Duration.ofSeconds(1),
        d.writeQueueMaxBytes(), d.runawayGrace(), d.sessionKeep(), d.shutdownGrace()));
    try (RawMaster silent = RawMaster.authenticated(worker.port(), TestWorker.SECRET)) {
      assertTrue(silent.closedByPeer(8000), "a master that sends nothing is dropped after 3 heartbeat intervals");
    }
  }

  private static TransportConfig withLimits(int maxInFlight) {
    TransportConfig d = TransportConfig.defaults();
    return new TransportConfig(d.maxMessageBytes(), maxInFlight, d.compressThresholdBytes(), d.compressionLevel(),
        d.linkMbits(), d.callTimeout(), d.connectTimeout(), d.heartbeatInterval(), d.writeQueueMaxBytes(), d.runawayGrace(),
        d.sessionKeep(), d.shutdownGrace());
  }

  private static Messages.InvokeMethod block(int n) {
    return new Messages.InvokeMethod(Probe.class.getName(), "block", new String[] {"int"}, new Object[] {n}, null);
  }
}
