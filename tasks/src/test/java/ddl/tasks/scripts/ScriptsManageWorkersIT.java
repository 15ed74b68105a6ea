package ddl.tasks.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.master.Cluster;
import ddl.transport.CallOptions;
import ddl.transport.CallTimeoutException;
import ddl.transport.ClusterConfig;
import ddl.transport.WorkerUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/start, scripts/shutdown and the supervisor, run as a user runs them, against real
 * worker processes with a config and a run folder of their own.
 */
class ScriptsManageWorkersIT {
  @TempDir
  Path dir;
  private ScriptRunner scripts;

  @BeforeEach
  void setUp() throws Exception {
    scripts = ScriptRunner.create(dir, 3);
  }

  @AfterEach
  void tearDown() throws Exception {
    scripts.close();
  }

  /**
   * One cluster's life: grown from 2 to 3 workers, one worker lost for good (kill -9 of it and its
   * supervisor) and started again, then one frozen worker without its pid file and one frozen
   * with it stopped by scripts/shutdown.
   */
  @Test
  void startAddsOrRestartsOnlyMissingWorkersAndShutdownLeavesNothing() throws Exception {
    scripts.ok("start", "2");
    long first = scripts.worker(0).pid();
    long second = scripts.worker(1).pid();
    Map<Integer, String> pidFiles = scripts.pidFiles();
    assertEquals(2, pidFiles.size(), "a pid file per started worker: " + pidFiles);

    ScriptRunner.Result grown = scripts.ok("start", "3");
    assertEquals(first, scripts.worker(0).pid(), "worker 0 was left alone");
    assertEquals(second, scripts.worker(1).pid(), "worker 1 was left alone");
    assertTrue(scripts.worker(2).isAlive());
    assertTrue(scripts.pidFiles().entrySet().containsAll(pidFiles.entrySet()),
        "the running workers' pid files are kept: " + scripts.pidFiles());
    assertEquals(3, scripts.pidFiles().size());
    for (int i = 0; i < 2; i++) {
      String running = scripts.address(i) + " already running (pid " + pidFiles.get(scripts.port(i)) + ")";
      assertTrue(grown.output().contains(running), running + " in\n" + grown.output());
    }
    assertTrue(grown.output().contains(scripts.address(2) + " started"), grown.output());
    String dashboard = "dashboard: http://127.0.0.1:" + scripts.dashboardPort() + "/";
    assertTrue(grown.output().contains(dashboard + " (pid ") || grown.output().contains("already running (pid"),
        grown.output());
    ScriptRunner.Result status = scripts.run("status");
    assertEquals(0, status.code(), status.output());
    assertEquals(3, status.output().lines().filter(l -> l.contains(" up ")).count(), status.output());

    scripts.killWholeWorker(1);
    ScriptRunner.Result repaired = scripts.ok("start", "3");
    assertEquals(first, scripts.worker(0).pid(), "the live workers were left alone");
    assertTrue(scripts.worker(1).isAlive());
    assertTrue(repaired.output().contains(scripts.address(1) + " started"), repaired.output());
    assertTrue(repaired.output().contains(scripts.address(2) + " already running"), repaired.output());

    List<ProcessHandle> all = scripts.processes();
    Files.delete(scripts.pidFile(0)); // lost its pid file...
    scripts.signal("STOP", scripts.worker(0).pid()); // ...and frozen
    scripts.signal("STOP", scripts.worker(1).pid()); // frozen, pid file kept
    ScriptRunner.Result down = scripts.ok("shutdown");
    for (ProcessHandle p : all) {
      assertFalse(p.isAlive(), "still running: " + p.pid() + " " + p.info().commandLine().orElse("") + "\n"
          + down.output());
    }
    for (int i = 0; i < 3; i++) {
      assertFalse(scripts.listening(i), scripts.address(i) + " still listens");
      assertTrue(down.output().contains(scripts.address(i) + ": "), "reports " + scripts.address(i) + ":\n"
          + down.output());
    }
    assertTrue(down.output().contains("was stopped (kill -STOP), continued"), down.output());
    assertTrue(down.output().contains("dashboard: stopped"), down.output());
    assertEquals(1, scripts.run("status").code(), "status with every worker down");
    assertTrue(scripts.pidFiles().isEmpty(), "pid files left: " + scripts.pidFiles());
    assertEquals(0, scripts.ok("shutdown").code(), "twice is harmless");
  }

  @Test
  void supervisorRestartsACrashedWorkerAndOneThatAsksForItButNotOneStoppedOnRequest() throws Exception {
    scripts.ok("start", "1", "--no-dashboard"); // only the worker's own supervisor is in play here
    ProcessHandle supervisor = scripts.supervisor(0);
    long killed = scripts.worker(0).pid();
    scripts.signal("KILL", killed);
    long restarted = scripts.awaitNewWorker(0, killed);
    assertTrue(scripts.log(0).contains("killed by signal 9 (KILL)"), scripts.log(0));

    try (Cluster cluster = Cluster.connect(ClusterConfig.load(scripts.config()).firstWorkers(1)).await()) {
      Exception e = assertThrows(Exception.class, () -> cluster.worker(0).call(ctx -> {
        System.exit(75);
        return 0;
      }).await());
      assertTrue(e instanceof WorkerUnavailableException, e.toString());
    }
    long again = scripts.awaitNewWorker(0, restarted);
    assertTrue(scripts.log(0).contains("status 75"), scripts.log(0));
    assertTrue(scripts.log(0).contains("System.exit(75) called at " + getClass().getName() + ".lambda$"),
        "the worker logged who ended it: " + scripts.log(0));
    assertTrue(supervisor.isAlive(), "one supervisor all along");

    scripts.ok("cluster-tool", "shutdown");
    scripts.awaitExit(supervisor);
    assertFalse(scripts.worker(0) != null && scripts.worker(0).pid() != again, "not restarted after the RPC");
    assertTrue(scripts.processes().isEmpty(), "nothing left: " + scripts.processes());
    assertTrue(scripts.log(0).contains("not restarting"), scripts.log(0));
    assertTrue(scripts.pidFiles().isEmpty(), "the supervisor removed its pid file: " + scripts.pidFiles());
  }

  /**
   * Two calls that spin without looking at their interrupt, on a 2-core machine: past their 1 s
   * deadline and after their master has gone, a new master's call with a 5 s deadline and a ping
   * are still served, {@code status} counts the runaways, and once they have ignored their
   * cancellation for {@code transport.runaway_grace_seconds} the worker leaves with status 75 and
   * its supervisor starts a fresh one.
   */
  @Test
  void runawayCallsNeitherStarveANewMasterNorOutliveTheirGrace() throws Exception {
    String yaml = Files.readString(scripts.config());
    Files.writeString(scripts.config(), yaml.replace("heartbeat_seconds: 1}", "heartbeat_seconds: 1, runaway_grace_seconds: 15}"));
    scripts.ok("start", "1");
    long pid = scripts.worker(0).pid();
    ClusterConfig config = ClusterConfig.load(scripts.config()).firstWorkers(1);
    try (Cluster first = Cluster.connect(config).await()) {
      first.worker(0).call(ctx -> 0).await(); // ships this class, so that the deadlines below time the calls only
      for (int i = 0; i < 2; i++) {
        Exception e = assertThrows(Exception.class, () -> first.worker(0).with(CallOptions.timeout(Duration.ofSeconds(1)))
            .call(ctx -> spin()).await());
        assertTrue(e instanceof CallTimeoutException, e.toString());
      }
    }
    try (Cluster second = Cluster.connect(config).await()) {
      long start = System.nanoTime();
      Object none = second.worker(0).with(CallOptions.timeout(Duration.ofSeconds(5))).call(ctx -> null).await();
      second.worker(0).ping().await();
      assertEquals(null, none);
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "served within the deadline");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long runaways = 0;
      while (runaways < 2 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        runaways = second.worker(0).stats().await().runawayCalls();
      }
      assertEquals(2, runaways, "status counts both runaway calls");
    }
    ScriptRunner.Result status = scripts.ok("cluster-tool", "status", "--only", scripts.address(0));
    assertTrue(status.output().contains("2 runaway"), status.output());
    scripts.awaitNewWorker(0, pid);
    String log = scripts.log(0);
    assertTrue(log.contains("ignores being cancelled") && log.contains(getClass().getName() + ".spin("), log);
    assertTrue(log.contains("status 75"), log);
  }

  /** Runs for ever without looking at its interrupt (a full-period generator never returns to 0). */
  private static long spin() {
    long x = 1;
    while (x != 0) {
      x = x * 6364136223846793005L + 1442695040888963407L;
    }
    return x;
  }

  @Test
  void supervisorGivesUpOnAWorkerThatKeepsCrashingAndStartSaysSo() throws Exception {
    scripts.environment().put("DDL_WORKER_JAVA_OPTS", "-XX:+ThisOptionDoesNotExist");
    ScriptRunner.Result failed = scripts.run("start", "1");
    assertNotEquals(0, failed.code(), failed.output());
    assertTrue(failed.output().contains(scripts.address(0)), failed.output());
    assertTrue(scripts.log(0).contains("giving up"), scripts.log(0));
    assertTrue(scripts.processes().isEmpty(), "nothing left: " + scripts.processes());
  }
}
