package ddl.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.master.onlyonmaster.Polynomial;
import ddl.transport.wire.Messages.WorkerStats;
import ddl.transport.RemoteException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real worker processes: shipped code runs there, a failure comes back, shutdown ends them. */
class RemoteCodeIntegrationTest {
  @TempDir
  Path dir;

  @Test
  void shippedClassRunsOnRealWorkersFailsRemotelyAndShutdownEndsTheProcesses() throws Exception {
    try (WorkerProcesses processes = WorkerProcesses.start(2, dir, "")) {
      try (Cluster cluster = Cluster.connect(processes.config()).await()) {
        assertEquals(2, cluster.size());

        List<Polynomial.Origin> origins = cluster.<Polynomial.Origin>runMethod(Polynomial.class, "origin").await();
        for (int i = 0; i < 2; i++) {
          assertEquals(cluster.worker(i).address(), origins.get(i).worker());
          assertTrue(origins.get(i).loader().startsWith("session-"),
              "defined by the session's loader, not found on the worker's classpath: " + origins.get(i).loader());
        }

        List<Double> coefficients = List.of(1.0, 2.0, 3.0);
        List<Double> values = cluster.scatter(List.of(1.0, 2.0),
            (ctx, x) -> Polynomial.evaluate(coefficients, x)).await();
        assertEquals(List.of(6.0, 17.0), values);

        RemoteException e = assertThrows(RemoteException.class,
            () -> cluster.worker(1).call(ctx -> Polynomial.root(-4)).await());
        assertEquals(ArithmeticException.class.getName(), e.remoteClassName());
        assertEquals("no real square root of -4.0", e.remoteMessage());
        assertEquals(Polynomial.class.getName(), e.getCause().getStackTrace()[0].getClassName());
        assertEquals(cluster.worker(1).address(), e.worker());

        cluster.worker(0).put("offset", 10).await();
        int shifted = cluster.worker(0).call(ctx -> ctx.<Integer>get("offset") + 1).await();
        assertEquals(11, shifted);

        List<WorkerStats> stats = cluster.stats().await();
        assertTrue(stats.get(0).callsServed() >= 5, "calls served: " + stats.get(0).callsServed());

        cluster.shutdownWorkers().await();
      }
      for (int i = 0; i < 2; i++) {
        assertTrue(processes.process(i).waitFor(15, TimeUnit.SECONDS), "worker " + i + " exited");
        assertEquals(0, processes.process(i).exitValue(), processes.log(i));
      }
    }
  }
}
