package ddl.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers described as a StatefulSet, and DDL_WORKERS / DDL_SECRET overriding the file. */
class WorkersByNameTest {
  private static final String SECRET = "secret: 0123456789abcdef\n";
  private static final String STATEFUL_SET = """
      workers:
        stateful_set:
          name: ddl-worker
          service: ddl-worker
          port: 7101
          replicas: 2
          max_replicas: 8
      """;

  @TempDir
  Path dir;

  private ClusterConfig load(String yaml, Map<String, String> env) throws IOException {
    Path file = dir.resolve("config.yml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file, env);
  }

  private String error(String yaml, Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> load(yaml, env)).getMessage();
  }

  @Test
  void statefulSetResolvesToPodNamesBehindTheService() throws IOException {
    ClusterConfig config = load(STATEFUL_SET + SECRET, Map.of());
    assertEquals(List.of(new WorkerAddress("ddl-worker-0.ddl-worker", 7101),
        new WorkerAddress("ddl-worker-1.ddl-worker", 7101)), config.workers());
    assertEquals(new StatefulSetWorkers("ddl-worker", "ddl-worker", 7101, 2, 8), config.statefulSet());
    assertEquals(8, config.possibleWorkers().size());
    assertEquals("ddl-worker-7.ddl-worker:7101", config.possibleWorkers().get(7).toString());
  }

  @Test
  void aScaledUpStatefulSetCanBeUsedUpToMaxReplicas() throws IOException {
    ClusterConfig config = load(STATEFUL_SET + SECRET, Map.of());
    assertEquals("ddl-worker-3.ddl-worker:7101", config.firstWorkers(4).workers().get(3).toString());
    assertEquals(1, config.firstWorkers(1).workers().size());
    assertThrows(ConfigException.class, () -> config.firstWorkers(9));
  }

  @Test
  void maxReplicasDefaultsToReplicasAndServiceMayBeAFullName() throws IOException {
    ClusterConfig config = load("""
        workers: {stateful_set: {name: w, service: w.ddl.svc.cluster.local, port: 9000, replicas: 3}}
        """ + SECRET, Map.of());
    assertEquals(3, config.statefulSet().maxReplicas());
    assertEquals(config.workers(), config.possibleWorkers());
    assertEquals("w-2.w.ddl.svc.cluster.local:9000", config.workers().get(2).toString());
  }

  @Test
  void listsStayAsTheyWere() throws IOException {
    ClusterConfig config = load("workers: [a:1, b:2]\n" + SECRET, Map.of());
    assertNull(config.statefulSet());
    assertEquals(config.workers(), config.possibleWorkers());
  }

  @Test
  void statefulSetErrorsNameTheKey() {
    String yaml = "workers: {stateful_set: {name: ddl-worker, service: ddl-worker, replicas: 2}}\n" + SECRET;
    String e = error(yaml, Map.of());
    assertTrue(e.contains("'workers.stateful_set'") && e.contains("'port' is required"), e);
    e = error("workers: {stateful_set: {name: w, service: w, port: 1, replicas: 2, size: 3}}\n" + SECRET, Map.of());
    assertTrue(e.contains("'size' is not a known key"), e);
    e = error("workers: {stateful_set: {name: w, service: w, port: 1, replicas: 0}}\n" + SECRET, Map.of());
    assertTrue(e.contains("'replicas' is 0"), e);
    e = error("workers: {stateful_set: {name: w, service: w, port: 1, replicas: 4, max_replicas: 2}}\n" + SECRET, Map.of());
    assertTrue(e.contains("'max_replicas' is 2"), e);
    e = error("workers: {stateful_set: {name: Worker, service: w, port: 1, replicas: 1}}\n" + SECRET, Map.of());
    assertTrue(e.contains("'name' must be a StatefulSet name"), e);
    e = error("workers: {stateful_set: {name: w, service: w, port: 1, replicas: two}}\n" + SECRET, Map.of());
    assertTrue(e.contains("'replicas' must be a whole number"), e);
    e = error("workers: {statefulset: {name: w}}\n" + SECRET, Map.of());
    assertTrue(e.contains("'stateful_set'"), e);
    e = error(SECRET, Map.of());
    assertTrue(e.contains("'workers' is missing") && e.contains("DDL_WORKERS") && e.contains("stateful_set"), e);
  }

  @Test
  void ddlWorkersListOverridesTheFile() throws IOException {
    ClusterConfig config = load(STATEFUL_SET + SECRET, Map.of("DDL_WORKERS", " h1:7000, h2:7001 "));
    assertEquals(List.of(new WorkerAddress("h1", 7000), new WorkerAddress("h2", 7001)), config.workers());
    assertNull(config.statefulSet());
    // The file then needs no workers at all.
    assertEquals(2, load(SECRET, Map.of("DDL_WORKERS", "h1:7000,h2:7001")).workers().size());
  }

  @Test
  void ddlWorkersStatefulSetFormOverridesTheFile() throws IOException {
    ClusterConfig config = load("workers: [a:1]\n" + SECRET,
        Map.of("DDL_WORKERS", "name=trainer, service=trainers, port=7200, replicas=3, max_replicas=5"));
    assertEquals(new StatefulSetWorkers("trainer", "trainers", 7200, 3, 5), config.statefulSet());
    assertEquals("trainer-2.trainers:7200", config.workers().get(2).toString());
  }

  @Test
  void ddlWorkersErrorsNameTheVariable() {
    for (String bad : List.of("h1:7000,h1:7000", "h1", "h1:x", "name=w,service=w,port=1", "name=w,name=v",
        "name=w,service=w,port=1,replicas=1,bogus=2", ",")) {
      String e = error(STATEFUL_SET + SECRET, Map.of("DDL_WORKERS", bad));
      assertTrue(e.contains("DDL_WORKERS='" + bad + "'") && e.contains("host:port,host:port"), e);
    }
  }

  @Test
  void ddlSecretOverridesTheFileAndIsChecked() throws IOException {
    assertEquals("from-the-environment-1234",
        load(STATEFUL_SET + SECRET, Map.of("DDL_SECRET", "from-the-environment-1234")).secret());
    assertEquals("from-the-environment-1234",
        load(STATEFUL_SET, Map.of("DDL_SECRET", "from-the-environment-1234")).secret());
    assertTrue(error(STATEFUL_SET, Map.of("DDL_SECRET", "CHANGE-ME")).contains("too short"));
  }
}
