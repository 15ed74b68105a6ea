package ddl.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("config.yml");
    Files.writeString(file, yaml);
    return file;
  }

  private String error(String yaml) throws IOException {
    Path file = write(yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.load(file));
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void repositoryConfigLoads() {
    ClusterConfig config = ClusterConfig.load(Path.of("../config.yml"));
    assertEquals(4, config.workers().size());
    assertEquals(new WorkerAddress("127.0.0.1", 7101), config.workers().get(0));
    assertFalse(config.tls().enabled());
    assertEquals(TransportConfig.defaults(), config.transport());
  }

  @Test
  void minimalConfigGetsDefaults() throws IOException {
    ClusterConfig config = ClusterConfig.load(write("workers: [10.0.0.1:7000]\nsecret: 0123456789abcdef\n"));
    assertEquals(TransportConfig.defaults(), config.transport());
    assertEquals(1, config.firstWorkers(1).workers().size());
  }

  @Test
  void theDashboardDefaultsToLoopbackOn7100AndItsKeysAreChecked() throws IOException {
    ClusterConfig plain = ClusterConfig.load(write("workers: [a:1]\nsecret: 0123456789abcdef\n"));
    assertEquals(new DashboardConfig(true, "127.0.0.1", 7100), plain.dashboard());
    assertTrue(plain.dashboard().loopbackOnly());
    ClusterConfig set = ClusterConfig.load(write("workers: [a:1]\nsecret: 0123456789abcdef\n"
        + "dashboard: {enabled: false, host: 0.0.0.0, port: 7590}\n"));
    assertEquals(new DashboardConfig(false, "0.0.0.0", 7590), set.dashboard());
    assertFalse(set.dashboard().loopbackOnly());
    assertEquals(set.dashboard(), set.firstWorkers(1).dashboard());
    String yaml = "workers: [a:1]\nsecret: 0123456789abcdef\n";
    assertTrue(error(yaml + "dashboard: {port: 70000}\n").contains("'dashboard.port' is 70000; allowed 1..65535"));
    assertTrue(error(yaml + "dashboard: {enabled: yes please}\n").contains("'dashboard.enabled' must be true or false"));
    assertTrue(error(yaml + "dashboard: {host: ''}\n").contains("'dashboard.host'"));
    assertTrue(error(yaml + "dashboard: {url: x}\n").contains("'dashboard.url' is not a known key"));
    assertTrue(error(yaml + "dashboard: 7100\n").contains("'dashboard' must be a mapping"));
  }

  @Test
  void errorsNameTheKey() throws IOException {
    assertTrue(error("workers: [a:1]\nsecret: 0123456789abcdef\nbogus: 1\n").contains("'bogus'"));
    assertTrue(error("workers: [a:1]\n").contains("'secret'"));
    assertTrue(error("workers: [a:1]\nsecret: short\n").contains("too short"));
    assertTrue(error("secret: 0123456789abcdef\n").contains("'workers'"));
    assertTrue(error("workers: [a:1, a:1]\nsecret: 0123456789abcdef\n").contains("listed twice"));
    assertTrue(error("workers: [a:x]\nsecret: 0123456789abcdef\n").contains("'workers[0]'"));
    assertTrue(error("workers: [a:1]\nsecret: 0123456789abcdef\ntransport: {max_in_flight: 0}\n")
        .contains("'transport.max_in_flight'"));
    assertTrue(error("workers: [a:1]\nsecret: 0123456789abcdef\ntransport: {link_mbits: 0}\n")
        .contains("'transport.link_mbits'"));
    assertTrue(error("workers: [a:1]\nsecret: 0123456789abcdef\ntransport: {heartbeat: 5}\n")
        .contains("'transport.heartbeat'"));
    assertTrue(error("workers: [a:1]\nsecret: 0123456789abcdef\ntls: {enabled: true}\n").contains("'tls.certificate'"));
    assertTrue(error("workers: [a:1\n").contains("not valid YAML"));
    assertTrue(error("workers: [a:1]\nworkers: [b:2]\nsecret: 0123456789abcdef\n").contains("not valid YAML"));
  }

  @Test
  void oneWorkerWrittenTwoWaysIsRefusedNamingBothEntries() throws IOException {
    String message = error("workers: [127.0.0.1:7301, 127.0.0.1:7303, localhost:7303]\nsecret: 0123456789abcdef\n");
    assertTrue(message.contains("'workers[2]'") && message.contains("localhost:7303"), message);
    assertTrue(message.contains("workers[1] 127.0.0.1:7303"), message);
    assertTrue(message.contains("same worker"), message);
    // Other ports, or hosts that do not resolve to a common address, are different workers.
    ClusterConfig.load(write("workers: [127.0.0.1:7301, localhost:7302, 127.0.0.2:7301, no-such-host.invalid:7301]\n"
        + "secret: 0123456789abcdef\n"));
  }

  @Test
  void aShortSecretFromTheEnvironmentIsBlamedOnTheVariableNotTheFile() throws IOException {
    Path file = write("workers: [a:1]\nsecret: a-long-enough-secret-in-the-file\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(file, name -> name.equals("DDL_SECRET") ? "abc" : null));
    assertTrue(e.getMessage().contains("environment variable DDL_SECRET is too short (3 characters)"), e.getMessage());
    assertFalse(e.getMessage().contains("key 'secret' is too short"), e.getMessage());
    assertEquals("0123456789abcdef-from-env",
        ConfigLoader.load(file, name -> name.equals("DDL_SECRET") ? "0123456789abcdef-from-env" : null).secret());
  }

  @Test
  void missingFileSaysWhatToDo() {
    ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.load(dir.resolve("nope.yml")));
    assertTrue(e.getMessage().contains("--config"));
  }

  @Test
  void yamlTagsCannotInstantiateClasses() throws IOException {
    assertTrue(error("workers: !!java.util.ArrayList []\nsecret: 0123456789abcdef\n").contains("not valid YAML"));
  }
}
