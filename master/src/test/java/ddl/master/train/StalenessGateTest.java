package ddl.master.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The staleness gate holds a fast worker back exactly as far as its bound says. */
class StalenessGateTest {

  @Test
  void fastWorkerWaitsOnceItIsBoundStepsAhead() throws Exception {
    StalenessGate gate = new StalenessGate(2, 2);
    for (int i = 0; i < 3; i++) {
      gate.awaitTurn(0);
      gate.finished(0);
    }
    CountDownLatch started = new CountDownLatch(1);
    Thread fast = Thread.ofVirtual().start(() -> {
      try {
        gate.awaitTurn(0);
        started.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertFalse(started.await(100, TimeUnit.MILLISECONDS), "worker 0 is 3 steps ahead with bound 2 yet went on");
    gate.awaitTurn(1);
    gate.finished(1);
    assertTrue(started.await(5, TimeUnit.SECONDS), "worker 0 still waits after worker 1 caught up a step");
    fast.join();
  }

  @Test
  void boundZeroIsLockStep() throws Exception {
    StalenessGate gate = new StalenessGate(2, 0);
    gate.awaitTurn(0);
    gate.finished(0);
    CountDownLatch started = new CountDownLatch(1);
    Thread.ofVirtual().start(() -> {
      try {
        gate.awaitTurn(0);
        started.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertFalse(started.await(100, TimeUnit.MILLISECONDS));
    gate.finished(1);
    assertTrue(started.await(5, TimeUnit.SECONDS));
  }

  @Test
  void unboundedNeverWaits() throws Exception {
    StalenessGate gate = new StalenessGate(3, StalenessGate.parseBound("inf"));
    for (int i = 0; i < 1000; i++) {
      assertTrue(gate.awaitTurn(0) < TimeUnit.SECONDS.toNanos(1));
      gate.finished(0);
    }
    assertEquals(1000, gate.finishedSteps()[0]);
    assertTrue(gate.unbounded());
  }

  @Test
  void failureWakesWaitingWorkers() throws Exception {
    StalenessGate gate = new StalenessGate(2, 0);
    gate.finished(0);
    Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      gate.fail(new RuntimeException("worker 1 lost"));
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> gate.awaitTurn(0));
    assertTrue(e.getMessage().contains("worker 1 lost"));
  }

  @Test
  void parsesBounds() {
    assertEquals(-1, StalenessGate.parseBound("-1"));
    assertEquals(-1, StalenessGate.parseBound("unbounded"));
    assertEquals(4, StalenessGate.parseBound("4"));
    assertThrows(IllegalArgumentException.class, () -> StalenessGate.parseBound("soon"));
  }
}
