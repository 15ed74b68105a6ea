package ddl.master.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.master.Cluster;
import ddl.master.WorkerProcesses;
import ddl.transport.RemoteFunction;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker asked to shut down waits {@code transport.shutdown_grace_seconds} for its calls in
 * flight, not a fixed time: with a grace of 1 s and a call that would run a minute, the worker
 * replies and exits well before the default grace (30 s) could have passed, and the long call's
 * master hears that the worker went away.
 */
class ShutdownGraceTest {
  @TempDir
  Path dir;

  @Test
  void theShutdownGraceComesFromTheConfig() throws Exception {
    try (WorkerProcesses processes = WorkerProcesses.start(1, dir, "transport: {shutdown_grace_seconds: 1}\n");
        Cluster cluster = Cluster.connect(processes.config()).await()) {
      RemoteFunction<Integer, Integer> sleep = (ctx, millis) -> {
        Thread.sleep(millis);
        return millis;
      };
      assertEquals(0, (int) cluster.worker(0).call(sleep, 0).await()); // ships the class
      Future<Integer> long_ = cluster.worker(0).call(sleep, 60_000);
      cluster.worker(0).ping().await(); // requests are taken in order: the long call runs
      long start = System.nanoTime();
      cluster.worker(0).shutdown().await();
      assertTrue(processes.process(0).waitFor(20, TimeUnit.SECONDS), "the worker exited");
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds < 25, "the worker waited " + seconds + " s, as with the default grace, not 1 s");
      CompletionException e = assertThrows(CompletionException.class, () -> long_.toCompletionStage()
          .toCompletableFuture().join());
      assertInstanceOf(WorkerUnavailableException.class, e.getCause(), String.valueOf(e.getCause()));
    }
  }
}
