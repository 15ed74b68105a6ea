package ddl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.CallOptions;
import ddl.transport.TransportConfig;
import ddl.transport.wire.Connection;
import ddl.transport.wire.Messages;
import ddl.worker.peer.Mailboxes;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How a session runs the user's factories and closes the user's objects. */
class SessionObjectsTest {
  private static final CallOptions T = CallOptions.timeout(Duration.ofSeconds(10));

  @Test
  void aFactoryRunsOutsideTheMapsLockSoItMayUseTheSessionItself() {
    Session session = new Session("s", null, "127.0.0.1:1", "cpu", TransportConfig.defaults(), new Mailboxes(), null);
    // Under ConcurrentHashMap.computeIfAbsent this nested use throws "Recursive update" (or deadlocks
    // for another key in the same bin).
    String value = session.computeIfAbsent("model", () -> {
      session.put("other", "x");
      return session.computeIfAbsent("model", () -> "inner") + "+outer";
    });
    assertEquals("inner", value, "the object stored first wins; the later one is dropped");
    assertEquals("inner", session.get("model"));
    assertEquals(java.util.List.of("model", "other"), session.keys());
  }

  /** Records whether the blocked call had been told to stop by the time the session closed it. */
  public record CloseRecorder() implements AutoCloseable {
    static volatile boolean callInterruptedFirst;
    static volatile CountDownLatch closed = new CountDownLatch(1);

    @Override
    public void close() {
      Thread call = Probe.blocked;
      callInterruptedFirst = Probe.interrupted.getCount() == 0 || (call != null && call.isInterrupted());
      closed.countDown();
    }
  }

  @Test
  void aConnectionClosedByThePeerStopsItsCallsBeforeClosingItsObjects() throws Exception {
    try (TestWorker worker = new TestWorker()) {
      Connection client = worker.client();
      CloseRecorder.closed = new CountDownLatch(1);
      client.call(new Messages.Put("recorder", new CloseRecorder()), T).await();
      Probe.started = new CountDownLatch(1);
      Probe.release = new CountDownLatch(1); // never released
      Probe.interrupted = new CountDownLatch(1);
      client.call(new Messages.InvokeMethod(Probe.class.getName(), "block", new String[] {"int"}, new Object[] {1},
          null), T);
      assertTrue(Probe.started.await(10, TimeUnit.SECONDS));
      client.close().await();
      assertTrue(CloseRecorder.closed.await(10, TimeUnit.SECONDS), "the session's objects were closed");
      assertTrue(CloseRecorder.callInterruptedFirst, "the running call was interrupted before the objects closed");
      assertTrue(Probe.interrupted.await(10, TimeUnit.SECONDS), "the call stopped");
    }
  }
}
