package ddl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.ClusterConfig;
import ddl.transport.StatefulSetWorkers;
import ddl.transport.TlsConfig;
import ddl.transport.TransportConfig;
import ddl.transport.WorkerAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostNameAddressTest {
  private static final String SECRET = "0123456789abcdef";

  private static ClusterConfig statefulSet(int replicas, int max) {
    StatefulSetWorkers set = new StatefulSetWorkers("ddl-worker", "ddl-worker", 7101, replicas, max);
    return new ClusterConfig(Path.of("config.yml"), set.addresses(), SECRET, TransportConfig.defaults(),
        TlsConfig.disabled(), set);
  }

  private static ClusterConfig list(String... entries) {
    return new ClusterConfig(Path.of("config.yml"), List.of(entries).stream().map(WorkerAddress::parse).toList(),
        SECRET, TransportConfig.defaults(), TlsConfig.disabled());
  }

  @Test
  void aPodTakesTheEntryOfItsOrdinal() {
    assertEquals(Optional.of(new WorkerAddress("ddl-worker-1.ddl-worker", 7101)),
        HostNameAddress.find(statefulSet(2, 8), "ddl-worker-1"));
  }

  @Test
  void aPodAddedByScalingUpFindsItsEntryUpToMaxReplicas() {
    assertEquals(Optional.of(new WorkerAddress("ddl-worker-5.ddl-worker", 7101)),
        HostNameAddress.find(statefulSet(2, 8), "ddl-worker-5"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HostNameAddress.find(statefulSet(2, 8), "ddl-worker-8"));
    assertTrue(e.getMessage().contains("max_replicas 8"), e.getMessage());
  }

  @Test
  void anotherHostNameFindsNothing() {
    assertFalse(HostNameAddress.find(statefulSet(2, 2), "laptop-1").isPresent());
    assertFalse(HostNameAddress.find(statefulSet(2, 2), "").isPresent());
    assertFalse(HostNameAddress.find(statefulSet(2, 2), null).isPresent());
  }

  @Test
  void inAListTheHostWhoseNameStartsWithTheHostNameIsTaken() {
    ClusterConfig config = list("w-0.workers:7000", "w-1.workers:7000", "w-10.workers:7000");
    assertEquals(Optional.of(WorkerAddress.parse("w-1.workers:7000")), HostNameAddress.find(config, "w-1"));
    assertEquals(Optional.of(WorkerAddress.parse("w-10.workers:7000")), HostNameAddress.find(config, "W-10"));
    assertFalse(HostNameAddress.find(config, "w").isPresent());
    // Two entries on one host: the host name cannot tell which, so --index must.
    assertFalse(HostNameAddress.find(list("box:7000", "box:7001"), "box").isPresent());
  }

  @Test
  void theHostNameIsKnown() {
    assertFalse(HostNameAddress.hostName().isBlank());
  }
}
