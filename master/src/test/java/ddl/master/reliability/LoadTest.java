package ddl.master.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.master.Cluster;
import ddl.master.ProxyWorker;
import ddl.master.WorkerProcesses;
import ddl.transport.RemoteFunction;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many requests in flight and several masters at once on one worker process. */
class LoadTest {
  @TempDir
  static Path dir;
  static WorkerProcesses workers;

  @BeforeAll
  static void start() throws Exception {
    workers = WorkerProcesses.start(1, dir, "");
  }

  @AfterAll
  static void stop() {
    workers.close();
  }

  @Test
  void tenThousandRequestsInFlightOnOneConnectionEachGetTheirOwnReply() {
    try (Cluster cluster = Cluster.connect(workers.config()).await()) {
      ProxyWorker worker = cluster.worker(0);
      RemoteFunction<Integer, Integer> twice = (ctx, x) -> 2 * x;
      worker.call(twice, 0).await();
      List<Future<Integer>> replies = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        replies.add(worker.call(twice, i));
      }
      for (int i = 0; i < 10_000; i++) {
        assertEquals(2 * i, replies.get(i).await(), "reply " + i + " matches its request");
      }
      var stats = worker.stats().await();
      assertEquals(1, stats.callsRunning(), "nothing left running but the stats request itself");
      assertTrue(stats.callsServed() >= 10_001, "calls served: " + stats.callsServed());
    }
  }

  @Test
  void severalMastersAtOnceKeepTheirStateAndRepliesApart() throws Exception {
    int masters = 4;
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int m = 0; m < masters; m++) {
      int id = m;
      threads.add(Thread.ofPlatform().start(() -> {
        try (Cluster cluster = Cluster.connect(workers.config()).await()) {
          ProxyWorker worker = cluster.worker(0);
          worker.put("owner", "master-" + id).await();
          List<Future<String>> replies = new ArrayList<>();
          for (int i = 0; i < 2000; i++) {
            int n = i;
            replies.add(worker.call(ctx -> ctx.<String>get("owner") + "/" + n));
          }
          for (int i = 0; i < 2000; i++) {
            assertEquals("master-" + id + "/" + i, replies.get(i).await());
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), failures);
  }
}
