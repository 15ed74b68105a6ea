package ddl.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ddl.transport.ClusterConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Cluster#reconnect} dials the cluster's own workers and keeps a named session. */
class ReconnectTest {
  @TempDir
  Path dir;

  @Test
  void reconnectDialsTheClustersOwnAddressAndFindsItsNamedSession() throws Exception {
    try (WorkerProcesses processes = WorkerProcesses.start(2, dir, "")) {
      ClusterConfig config = processes.config();
      String second = config.workers().get(1).toString();
      // A cluster of the config's second worker only: its worker 0 is the config's worker 1.
      try (Cluster cluster = Cluster.connect(config, List.of(config.workers().get(1)),
          ConnectOptions.session("reconnect-test")).await()) {
        assertEquals(second, cluster.worker(0).address());
        cluster.worker(0).put("state", 42).await();
        ProxyWorker again = cluster.reconnect(0).await();
        assertEquals(second, again.address(), "reconnect dialed another address than the cluster's own");
        assertEquals(42, again.<Integer>get("state").await(), "the named session was handed over");
        assertEquals(1, again.stats().await().sessions(), "one session: the old connection's, taken over");
      }
      try (Cluster anonymous = Cluster.connect(config, List.of(config.workers().get(1))).await()) {
        assertNull(anonymous.worker(0).get("state").await(), "other masters do not see a named session");
      }
    }
  }
}
