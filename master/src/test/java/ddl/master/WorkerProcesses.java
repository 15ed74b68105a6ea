package ddl.master;

import ddl.transport.ClusterConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real worker processes for integration tests: the packaged worker jar, started with the same
 * flags and environment scripts/start uses, on free loopback ports, with a config file of their own.
 */
public final class WorkerProcesses implements AutoCloseable {
  public static final String SECRET = "integration-test-secret-0123456789";
  private final List<Process> processes = new ArrayList<>();
  private final Path dir;
  private final Path config;
  private final java.util.function.IntFunction<List<String>> launcher;
  private java.util.function.IntFunction<List<String>> extraArgs = i -> List.of();
  private List<String> jvmOptions = List.of();

  private WorkerProcesses(Path dir, Path config, java.util.function.IntFunction<List<String>> launcher) {
    this.dir = dir;
    this.config = config;
    this.launcher = launcher;
  }

  /** Starts {@code count} workers on free loopback ports and waits until each listens. */
  public static WorkerProcesses start(int count, Path dir, String extraYaml) throws IOException, InterruptedException {
    return start(count, dir, extraYaml, i -> List.of());
  }

  /**
   * Starts {@code count} workers on free loopback ports, each JVM with {@code jvmOptions} too (such
   * as {@code -Xmx64m}, which overrides the default {@code -Xmx1g}), and waits until each listens.
   */
  public static WorkerProcesses start(int count, Path dir, String extraYaml, List<String> jvmOptions)
      throws IOException, InterruptedException {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      addresses.add("127.0.0.1:" + freePort());
    }
    return start(addresses, i -> List.of(), i -> List.of(), dir, extraYaml, count, jvmOptions);
  }

  /**
   * Lists {@code listed} workers on free loopback ports in the config but starts only the first
   * {@code started}; {@link #restart} starts another later.
   */
  public static WorkerProcesses startFirst(int started, int listed, Path dir, String extraYaml)
      throws IOException, InterruptedException {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < listed; i++) {
      addresses.add("127.0.0.1:" + freePort());
    }
    return start(addresses, i -> List.of(), i -> List.of(), dir, extraYaml, started);
  }

  /**
   * Starts {@code count} workers on free loopback ports, worker {@code i} with the extra options
   * {@code args.apply(i)} (such as {@code --http-port}), and waits until each listens.
   */
  public static WorkerProcesses start(int count, Path dir, String extraYaml,
      java.util.function.IntFunction<List<String>> args) throws IOException, InterruptedException {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      addresses.add("127.0.0.1:" + freePort());
    }
    return start(addresses, i -> List.of(), args, dir, extraYaml, addresses.size());
  }

  /**
   * Starts one worker per {@code host:port}, each command prefixed by {@code launcher.apply(index)}
   * (e.g. {@code ip netns exec NAME}), and waits until each listens.
   */
  public static WorkerProcesses start(List<String> addresses, java.util.function.IntFunction<List<String>> launcher,
      Path dir, String extraYaml) throws IOException, InterruptedException {
    return start(addresses, launcher, i -> List.of(), dir, extraYaml, addresses.size());
  }

  private static WorkerProcesses start(List<String> addresses, java.util.function.IntFunction<List<String>> launcher,
      java.util.function.IntFunction<List<String>> args, Path dir, String extraYaml, int started)
      throws IOException, InterruptedException {
    return start(addresses, launcher, args, dir, extraYaml, started, List.of());
  }

  private static WorkerProcesses start(List<String> addresses, java.util.function.IntFunction<List<String>> launcher,
      java.util.function.IntFunction<List<String>> args, Path dir, String extraYaml, int started,
      List<String> jvmOptions) throws IOException, InterruptedException {
    StringBuilder yaml = new StringBuilder("workers:\n");
    addresses.forEach(a -> yaml.append("  - ").append(a).append('\n'));
    yaml.append("secret: ").append(SECRET).append('\n').append(extraYaml);
    Path config = dir.resolve("config.yml");
    Files.writeString(config, yaml);
    WorkerProcesses workers = new WorkerProcesses(dir, config, launcher);
    workers.extraArgs = args;
    workers.jvmOptions = List.copyOf(jvmOptions);
    for (int i = 0; i < started; i++) {
      workers.startOne(i);
    }
    for (String address : addresses.subList(0, started)) {
      awaitListening(address);
    }
    return workers;
  }

  /** The jar scripts/start runs; built by the worker module before this module's tests. */
  public static Path workerJar() {
    Path jar = Path.of("..", "worker", "target", "ddl-worker.jar").toAbsolutePath().normalize();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing; run 'mvn package' (or 'mvn verify') from the top folder");
    }
    return jar;
  }

  /** Starts (or restarts) worker {@code index} of the config. */
  public Process startOne(int index) throws IOException {
    String java = System.getProperty("ddl.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(launcher.apply(index));
    command.addAll(List.of(java, "-Xmx1g", "--enable-native-access=ALL-UNNAMED"));
    command.addAll(jvmOptions);
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(List.of("-jar", workerJar().toString(), "--config", config.toString(), "--index", "" + index));
    command.addAll(extraArgs.apply(index));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("worker-" + index + ".log").toFile());
    builder.environment().put("OPT_OUT_TRACKING", "true");
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "1");
    Process p = builder.start();
    while (processes.size() <= index) {
      processes.add(null);
    }
    processes.set(index, p);
    return p;
  }

  /** Starts worker {@code index} again (after it was killed) on its address and waits until it listens. */
  public Process restart(int index) throws IOException, InterruptedException {
    Process p = startOne(index);
    awaitListening(config().workers().get(index).toString());
    return p;
  }

  public ClusterConfig config() {
    return ClusterConfig.load(config);
  }

  public Path configFile() {
    return config;
  }

  public Process process(int index) {
    return processes.get(index);
  }

  public String log(int index) throws IOException {
    return Files.readString(dir.resolve("worker-" + index + ".log"));
  }

  static void awaitListening(String address) throws InterruptedException {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket(host, port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("worker at " + address + " did not start listening within 30 s");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
