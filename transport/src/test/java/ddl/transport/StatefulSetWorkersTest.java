package ddl.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class StatefulSetWorkersTest {
  private final StatefulSetWorkers set = new StatefulSetWorkers("ddl-worker", "ddl-worker", 7101, 2, 4);

  @Test
  void ordinalComesFromThePodsHostName() {
    assertEquals(OptionalInt.of(3), set.ordinalOf("ddl-worker-3"));
    assertEquals(OptionalInt.of(0), set.ordinalOf("ddl-worker-0"));
    assertEquals(OptionalInt.of(12), set.ordinalOf("ddl-worker-12.ddl-worker.ddl.svc.cluster.local"));
    assertEquals(OptionalInt.of(2), set.ordinalOf("DDL-Worker-2"));
  }

  @Test
  void otherHostNamesHaveNoOrdinal() {
    for (String host : new String[] {"ddl-worker", "ddl-worker-", "other-3", "ddl-worker-03", "ddl-worker-x-3",
        "my-ddl-worker-1", "ddl-worker-1x", "", "ddl-worker-99999999999"}) {
      assertEquals(OptionalInt.empty(), set.ordinalOf(host), host);
    }
    assertEquals(OptionalInt.empty(), set.ordinalOf(null));
  }

  @Test
  void addressesFollowTheServicesDnsNames() {
    assertEquals(new WorkerAddress("ddl-worker-3.ddl-worker", 7101), set.address(3));
    assertEquals(2, set.addresses().size());
    assertThrows(IllegalArgumentException.class, () -> set.address(4));
    assertThrows(IllegalArgumentException.class, () -> set.address(-1));
  }

  @Test
  void compactFormParses() {
    assertEquals(set, StatefulSetWorkers.parse("name=ddl-worker,service=ddl-worker,port=7101,replicas=2,max_replicas=4"));
    assertEquals(2, StatefulSetWorkers.parse("replicas=2, port=1, service=s, name=n,").maxReplicas());
  }

  @Test
  void badValuesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new StatefulSetWorkers("w", "bad_service", 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new StatefulSetWorkers("w", "s..x", 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new StatefulSetWorkers("w", "s", 70000, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new StatefulSetWorkers("-w", "s", 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new StatefulSetWorkers("w", "s", 1, 1, 10_001));
  }
}
