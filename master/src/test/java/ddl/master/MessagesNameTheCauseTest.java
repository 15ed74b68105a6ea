package ddl.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.AuthenticationException;
import ddl.transport.ClusterConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures that used to be reported as something else now name their own cause. */
class MessagesNameTheCauseTest {
  @TempDir
  static Path dir;
  private static WorkerProcesses worker;

  @BeforeAll
  static void startWorker() throws Exception {
    worker = WorkerProcesses.start(1, dir, "transport: {connect_timeout_seconds: 3}\n");
  }

  @AfterAll
  static void stopWorker() {
    worker.close();
  }

  /** A config listing the running worker and a port nobody listens on, with another secret. */
  private static Path otherSecretConfig() throws Exception {
    Path file = dir.resolve("other-secret.yml");
    Files.writeString(file, "workers:\n  - " + worker.config().workers().get(0) + "\n  - 127.0.0.1:"
        + WorkerProcesses.freePort() + "\nsecret: not-the-workers-secret-0123456789\n"
        + "transport: {connect_timeout_seconds: 3}\n");
    return file;
  }

  @Test
  void aWrongSecretWithoutWorkersFlagSaysTheWorkersRefusedIt() throws Exception {
    ClusterConfig wrong = ClusterConfig.load(otherSecretConfig());
    AuthenticationException e = assertThrows(AuthenticationException.class,
        () -> Cluster.connect(wrong).await());
    assertTrue(e.getMessage().contains("refused this master's handshake"), e.getMessage());
    assertTrue(e.getMessage().contains("secret"), e.getMessage());
    assertFalse(e.getMessage().contains("start them"), e.getMessage());
  }

  @Test
  void statusPrintsEachDownWorkersOwnError() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = ClusterTool.run(new String[] {"status", "--config", otherSecretConfig().toString()},
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> rows = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1, code, String.join("\n", rows));
    assertEquals(2, rows.size(), String.join("\n", rows));
    assertTrue(rows.get(0).contains("DOWN") && rows.get(0).contains("secret"), rows.get(0));
    assertTrue(rows.get(1).contains("DOWN") && rows.get(1).contains("cannot connect"), rows.get(1));
  }

  @Test
  void clusterToolUsageErrorsExitWithTwo() {
    assertEquals(2, ClusterTool.run(new String[] {"status", "--wait", "4294967298"}, System.out));
    assertEquals(2, ClusterTool.run(new String[] {"status", "--wait", "-1"}, System.out));
    assertEquals(2, ClusterTool.run(new String[] {"frobnicate"}, System.out));
    assertEquals(2, ClusterTool.run(new String[] {}, System.out));
    assertEquals(0, ClusterTool.run(new String[] {"--version"}, System.out));
    assertEquals(0, ClusterTool.run(new String[] {"status", "--help"}, System.out));
  }
}
