package ddl.master.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.master.Cluster;
import ddl.master.ProxyWorker;
import ddl.master.WorkerProcesses;
import ddl.transport.CallOptions;
import ddl.transport.CallTimeoutException;
import ddl.transport.WorkerUnavailableException;
import ddl.transport.testing.RawMaster;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lost, silent and slow peers: every future completes, naming the worker and the call site. */
class ConnectionFaultsTest {
  private static final String FAST_HEARTBEAT = "transport: {heartbeat_seconds: 1, call_timeout_seconds: 120}\n";
  /**
   * For tests that do not wait for a silence: the default heartbeat, so that a freshly started
   * worker on a loaded machine is not taken for a silent one while it defines the first classes.
   */
  private static final String NORMAL = "transport: {call_timeout_seconds: 120}\n";
  @TempDir
  Path dir;

  private static Throwable failure(Future<?> f) {
    try {
      f.await();
    } catch (CompletionException e) {
      return e.getCause();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("the call should have failed");
  }

  @Test
  void workerKilledDuringACallFailsItPromptlyNamingTheWorkerAndCallSite() throws Exception {
    try (WorkerProcesses workers = WorkerProcesses.start(1, dir, NORMAL);
        Cluster cluster = Cluster.connect(workers.config()).await()) {
      ProxyWorker worker = cluster.worker(0);
      worker.call(ctx -> 1).await();
      String started = dir.resolve("started").toString();
      Future<Integer> longCall = worker.call(ctx -> {
        java.nio.file.Files.writeString(Path.of(started), "running");
        Thread.sleep(60_000);
        return 1;
      });
      assertTrue(CloseMarker.awaitFile(Path.of(started)), "the call started"); // waits for the file
      long start = System.nanoTime();
      workers.process(0).destroyForcibly().waitFor();
      Throwable e = failure(longCall);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertInstanceOf(WorkerUnavailableException.class, e);
      assertTrue(e.getMessage().contains(worker.address()), e.getMessage());
      assertTrue(millis < 5000, "failed after " + millis + " ms");
      assertTrue(java.util.Arrays.stream(e.getStackTrace())
          .anyMatch(f -> f.getMethodName().contains("workerKilledDuringACall")), "the stack shows the call site");
      assertInstanceOf(WorkerUnavailableException.class, failure(worker.ping()));
    }
  }

  @Test
  void silentWorkerIsDetectedByHeartbeatsBeforeTheCallDeadline() throws Exception {
    try (WorkerProcesses workers = WorkerProcesses.start(1, dir, FAST_HEARTBEAT);
        Cluster cluster = Cluster.connect(workers.config()).await()) {
      ProxyWorker worker = cluster.worker(0);
      worker.ping().await();
      long pid = workers.process(0).pid();
      new ProcessBuilder("kill", "-STOP", "" + pid).start().waitFor();
      awaitStopped(pid);
      try {
        long start = System.nanoTime();
        Throwable e = failure(worker.ping());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(WorkerUnavailableException.class, e);
        assertTrue(e.getMessage().contains("silent"), e.getMessage());
        assertTrue(millis < 10_000, "detected after " + millis + " ms (heartbeat 1 s, call deadline 120 s)");
      } finally {
        new ProcessBuilder("kill", "-CONT", "" + pid).start().waitFor();
      }
    }
  }

  /** Waits until the kernel reports the process stopped (signals are delivered asynchronously). */
  private static void awaitStopped(long pid) throws Exception {
    Path stat = Path.of("/proc/" + pid + "/stat");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      String fields = java.nio.file.Files.readString(stat);
      char state = fields.charAt(fields.lastIndexOf(')') + 2);
      if (state == 'T' || state == 't') {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("worker " + pid + " did not stop after SIGSTOP");
  }

  @Test
  void perCallDeadlineOverridesTheDefault() throws Exception {
    try (WorkerProcesses workers = WorkerProcesses.start(1, dir, NORMAL);
        Cluster cluster = Cluster.connect(workers.config()).await()) {
      Throwable e = failure(cluster.worker(0).with(CallOptions.timeout(Duration.ofMillis(400))).call(ctx -> {
        Thread.sleep(5000);
        return 1;
      }));
      assertInstanceOf(CallTimeoutException.class, e);
      assertTrue(e.getMessage().contains("deadline"), e.getMessage());
      assertEquals(7, cluster.worker(0).call(ctx -> 7).await(), "the connection is still usable");
    }
  }

  @Test
  void masterLossDropsItsSessionClosesItsObjectsAndTheWorkerServesNewMasters() throws Exception {
    try (WorkerProcesses workers = WorkerProcesses.start(1, dir, NORMAL)) {
      Path closed = dir.resolve("model-closed");
      try (Cluster observer = Cluster.connect(workers.config()).await()) {
        Cluster doomed = Cluster.connect(workers.config()).await();
        doomed.worker(0).put("model", new CloseMarker(closed.toString())).await();
        assertEquals(2, observer.worker(0).stats().await().sessions());
        doomed.close(); // the master goes away
        assertTrue(CloseMarker.awaitFile(closed), "the lost master's session objects were closed");
        assertEquals(1, observer.worker(0).stats().await().sessions());
      }
      try (Cluster next = Cluster.connect(workers.config()).await()) {
        assertEquals(3, next.worker(0).call(ctx -> 3).await());
      }
    }
  }

  @Test
  void silentMasterIsDroppedByTheWorker() throws Exception {
    try (WorkerProcesses workers = WorkerProcesses.start(1, dir, FAST_HEARTBEAT);
        RawMaster silent = RawMaster.authenticated(workers.config().workers().get(0).port(), WorkerProcesses.SECRET)) {
      assertTrue(silent.closedByPeer(8000), "a master that sends no heartbeat is dropped after 3 intervals");
      assertTrue(workers.log(0).contains("silent for"), workers.log(0));
    }
  }
}
