package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

class EventLoopCheckTest {
  @Test
  void blockingOnAnEventLoopFailsWithAMessageSayingWhereToCallFrom() {
    Vertx vertx = Vertx.vertx();
    try {
      Promise<Throwable> thrown = Promise.promise();
      vertx.runOnContext(v -> {
        try {
          EventLoopCheck.notOnEventLoop("Cluster.close()");
          thrown.complete(null);
        } catch (IllegalStateException e) {
          thrown.complete(e);
        }
      });
      Throwable e = thrown.future().await();
      assertNotNull(e, "the check let a blocking call through on an event loop");
      assertTrue(e.getMessage().startsWith("Cluster.close() blocks"), e.getMessage());
      assertTrue(e.getMessage().contains("event loop") && e.getMessage().contains("task main"), e.getMessage());
      assertDoesNotThrow(() -> EventLoopCheck.notOnEventLoop("Cluster.close()"), "the test's own thread may block");
    } finally {
      vertx.close().await();
    }
  }
}
