package ddl.tasks.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the repository's scripts as a user would, with a config of free loopback ports and a run
 * folder ({@code DDL_RUN}) of their own, and finds the processes they started. Closing it runs
 * scripts/shutdown and then kills whatever of this config is still alive.
 */
final class ScriptRunner implements AutoCloseable {
  static final String SECRET = "scripts-test-secret-0123456789";
  private final Path home;
  private final Path dir;
  private final Path config;
  private final Path run;
  private final List<Integer> ports;
  private final int dashboardPort;
  private final Map<String, String> environment = new HashMap<>();

  /** Where a script ended: its exit code and its output (stdout and stderr together). */
  record Result(int code, String output) {}

  private ScriptRunner(Path home, Path dir, Path config, Path run, List<Integer> ports, int dashboardPort) {
    this.home = home;
    this.dir = dir;
    this.config = config;
    this.run = run;
    this.ports = ports;
    this.dashboardPort = dashboardPort;
  }

  /** The port of the dashboard scripts/start starts. */
  int dashboardPort() {
    return dashboardPort;
  }

  /** A config with {@code workers} free loopback ports under {@code dir}. */
  static ScriptRunner create(Path dir, int workers) throws IOException {
    Path home = Path.of("..").toAbsolutePath().normalize();
    for (String jar : List.of("worker/target/ddl-worker.jar", "tasks/target/ddl-tasks.jar")) {
      if (!Files.isRegularFile(home.resolve(jar))) {
        throw new IllegalStateException(home.resolve(jar) + " is missing; run mvn verify (it packages first)");
      }
    }
    List<Integer> ports = new ArrayList<>();
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i <= workers; i++) { // the last port is the dashboard's
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        ports.add(s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    int dashboardPort = ports.remove(ports.size() - 1);
    StringBuilder yaml = new StringBuilder("workers:\n");
    ports.forEach(p -> yaml.append("  - 127.0.0.1:").append(p).append('\n'));
    yaml.append("secret: ").append(SECRET).append('\n')
        .append("transport: {connect_timeout_seconds: 3, heartbeat_seconds: 1}\n")
        .append("dashboard: {port: ").append(dashboardPort).append("}\n");
    Path config = dir.resolve("config.yml");
    Files.writeString(config, yaml);
    ScriptRunner runner = new ScriptRunner(home, dir, config, dir.resolve("run"), ports, dashboardPort);
    runner.environment.put("DDL_RUN", runner.run.toString());
    runner.environment.put("DDL_RUNS", dir.resolve("runs").toString());
    runner.environment.put("DDL_NO_BUILD", "1");
    runner.environment.put("JAVA_HOME", System.getProperty("java.home"));
    runner.environment.put("DDL_WORKER_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
    runner.environment.put("DDL_RESTART_BACKOFF_SECONDS", "0.2");
    runner.environment.put("DDL_RESTART_LIMIT", "3");
    return runner;
  }

  /** The environment the scripts get on top of this JVM's. */
  Map<String, String> environment() {
    return environment;
  }

  Path config() {
    return config;
  }

  int port(int i) {
    return ports.get(i);
  }

  String address(int i) {
    return "127.0.0.1:" + ports.get(i);
  }

  Path pidFile(int i) {
    return run.resolve("worker-" + ports.get(i) + ".pid");
  }

  /** The worker's log, empty if it has none yet. */
  String log(int i) throws IOException {
    Path log = run.resolve("worker-" + ports.get(i) + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** Port to pid-file contents, for every pid file in the run folder. */
  Map<Integer, String> pidFiles() throws IOException {
    Map<Integer, String> files = new TreeMap<>();
    if (!Files.isDirectory(run)) {
      return files;
    }
    try (Stream<Path> list = Files.list(run)) {
      for (Path p : list.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith("worker-") && name.endsWith(".pid")) {
          files.put(Integer.parseInt(name.substring(7, name.length() - 4)), Files.readString(p).strip());
        }
      }
    }
    return files;
  }

  /** Runs {@code scripts/NAME args --config CONFIG}; "cluster-tool" runs the cluster tool the scripts use. */
  Result run(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (script.equals("cluster-tool")) {
      command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          home.resolve("tasks/target/ddl-tasks.jar").toString(), "ddl.master.ClusterTool"));
    } else {
      command.addAll(List.of("bash", home.resolve("scripts").resolve(script).toString()));
    }
    command.addAll(List.of(args));
    command.addAll(List.of("--config", config.toString()));
    Path output = Files.createTempFile(dir, script, ".out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(environment);
    Process p = builder.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not finish in 180 s:\n" + Files.readString(output));
    }
    return new Result(p.exitValue(), Files.readString(output));
  }

  /** Like {@link #run}, expecting exit code 0. */
  Result ok(String script, String... args) throws IOException, InterruptedException {
    Result r = run(script, args);
    assertEquals(0, r.code(), script + " " + String.join(" ", args) + " failed:\n" + r.output());
    return r;
  }

  /** Every live process whose command line names this config: workers and their supervisors. */
  List<ProcessHandle> processes() {
    String path = config.toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(path)).orElse(false))
        .toList();
  }

  /** The JVM of worker {@code i} (the process that runs the worker jar), or null. */
  ProcessHandle worker(int i) {
    return processes().stream()
        .filter(p -> p.info().command().orElse("").endsWith("/java"))
        .filter(p -> index(p) == i)
        .findFirst().orElse(null);
  }

  /** The supervisor of worker {@code i}: the worker JVM's parent. */
  ProcessHandle supervisor(int i) {
    ProcessHandle worker = worker(i);
    if (worker == null) {
      throw new AssertionError("worker " + i + " is not running");
    }
    return worker.parent().filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("supervise"))
        .orElse(false)).orElseThrow(() -> new AssertionError("worker " + i + " has no supervisor"));
  }

  private static int index(ProcessHandle p) {
    List<String> args = List.of(p.info().arguments().orElse(new String[0]));
    int at = args.indexOf("--index");
    return at >= 0 && at + 1 < args.size() ? Integer.parseInt(args.get(at + 1)) : -1;
  }

  /** kill -9 of worker {@code i} and of its supervisor, if it has one: the worker is gone for good. */
  void killWholeWorker(int i) throws Exception {
    ProcessHandle worker = worker(i);
    List<ProcessHandle> doomed = new ArrayList<>(worker.parent().filter(p -> p.info().arguments()
        .map(a -> String.join(" ", a).contains("supervise")).orElse(false)).stream().toList());
    doomed.add(worker);
    for (ProcessHandle p : doomed) {
      signal("KILL", p.pid());
    }
    for (ProcessHandle p : doomed) {
      awaitExit(p);
    }
  }

  void signal(String signal, long pid) throws IOException, InterruptedException {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
  }

  void awaitExit(ProcessHandle p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (p.isAlive()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("process " + p.pid() + " did not exit in 60 s");
      }
      Thread.sleep(50);
    }
  }

  /** Waits until worker {@code i} runs in a JVM other than {@code old} and listens; its pid. */
  long awaitNewWorker(int i, long old) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      ProcessHandle w = worker(i);
      if (w != null && w.pid() != old && listening(i)) {
        return w.pid();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("worker " + i + " was not restarted within 60 s; log:\n" + log(i));
  }

  /** Whether something accepts connections on worker {@code i}'s port. */
  boolean listening(int i) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", ports.get(i)), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      run("shutdown");
    } finally {
      for (ProcessHandle p : processes()) {
        p.destroyForcibly();
      }
    }
  }
}
