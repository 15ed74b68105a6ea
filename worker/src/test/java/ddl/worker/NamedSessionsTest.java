package ddl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.CallOptions;
import ddl.transport.TransportConfig;
import ddl.transport.wire.Connection;
import ddl.transport.wire.Messages;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sessions a master names outlive its connection for the keep time, and no longer. */
class NamedSessionsTest {
  private static final CallOptions T = CallOptions.timeout(Duration.ofSeconds(10));
  private final TestWorker worker = new TestWorker(TransportConfig.defaults().withSessionKeep(Duration.ofSeconds(1)));

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void aNamedSessionSurvivesReconnectingAndOthersDoNotSeeIt() {
    Connection first = worker.client(worker.config, "trainer");
    first.call(new Messages.Put("model", "weights"), T).await();
    first.close().await();

    Connection again = worker.client(worker.config, "trainer");
    assertEquals("weights", again.call(new Messages.Get("model"), T).await());
    assertEquals(List.of("model"), again.call(new Messages.Keys(), T).await());

    Connection other = worker.client(worker.config, "someone-else");
    assertNull(other.call(new Messages.Get("model"), T).await());
    Connection anonymous = worker.client();
    assertNull(anonymous.call(new Messages.Get("model"), T).await());
  }

  @Test
  void aSessionOfOneConnectionEndsWithIt() throws Exception {
    Connection first = worker.client();
    first.call(new Messages.Put("model", "weights"), T).await();
    first.close().await();
    Connection observer = worker.client();
    awaitSessions(observer, 1);
  }

  @Test
  void aNamedSessionIsDroppedAfterTheKeepTime() throws Exception {
    Connection first = worker.client(worker.config, "trainer");
    first.call(new Messages.Put("model", "weights"), T).await();
    first.close().await();
    Connection observer = worker.client();
    assertEquals(2, stats(observer).sessions(), "kept after its connection closed");
    awaitSessions(observer, 1); // session_keep_seconds is 1 here
    Connection again = worker.client(worker.config, "trainer");
    assertNull(again.call(new Messages.Get("model"), T).await(), "a dropped session starts afresh");
  }

  @Test
  void aSecondConnectionTakesTheSessionOverAndTheFirstIsClosed() {
    Connection first = worker.client(worker.config, "trainer");
    first.call(new Messages.Put("step", 41), T).await();
    Connection second = worker.client(worker.config, "trainer");
    first.closeFuture().await();
    assertFalse(first.isOpen());
    assertEquals(41, second.<Integer>call(new Messages.Get("step"), T).await());
    assertTrue(second.isOpen());
  }

  private static Messages.WorkerStats stats(Connection c) {
    return c.<Messages.WorkerStats>call(new Messages.Stats(), T).await();
  }

  /** Waits (at most 10 s) until the worker counts {@code n} sessions; polls its stats. */
  private static void awaitSessions(Connection c, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (stats(c).sessions() != n) {
      assertTrue(System.nanoTime() < deadline, "sessions: " + stats(c).sessions() + ", expected " + n);
      Thread.sleep(20);
    }
  }
}
