package ddl.train;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real worker processes for integration tests: {@code worker/target/ddl-worker.jar} on free local
 * ports, with a config file listing them; their logs go to {@code target/worker-logs}. Close it to
 * stop them.
 */
public final class WorkerProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();
  private final Path config;

  private WorkerProcesses(Path config) {
    this.config = config;
  }

  /** Starts {@code n} workers and waits until each accepts connections. */
  public static WorkerProcesses start(int n, Path dir) throws IOException, InterruptedException {
    Path jar = Path.of("..", "worker", "target", "ddl-worker.jar").toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing; build it first (mvn -o package -DskipTests, "
          + "or run the tests through mvn verify, which packages the worker first)");
    }
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports.add(s.getLocalPort());
      }
    }
    StringBuilder yaml = new StringBuilder("workers:\n");
    ports.forEach(p -> yaml.append("  - 127.0.0.1:").append(p).append('\n'));
    yaml.append("secret: integration-test-secret-").append(ProcessHandle.current().pid()).append('\n');
    Path config = dir.resolve("config.yml");
    Files.writeString(config, yaml);
    WorkerProcesses workers = new WorkerProcesses(config);
    Path logDir = Files.createDirectories(Path.of("target", "worker-logs").toAbsolutePath());
    String java = System.getProperty("ddl.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    try {
      for (int i = 0; i < n; i++) {
        Path log = logDir.resolve("worker-" + ports.get(i) + ".log");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString(), "--listen", "127.0.0.1:" + ports.get(i),
            "--config", config.toString());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        workers.processes.add(pb.start());
        workers.logs.add(log);
      }
      for (int i = 0; i < n; i++) {
        workers.awaitPort(i, ports.get(i));
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      workers.close();
      throw e;
    }
    return workers;
  }

  private void awaitPort(int i, int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!processes.get(i).isAlive()) {
        throw new IllegalStateException("worker " + i + " exited at start:\n" + Files.readString(logs.get(i)));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("worker " + i + " did not listen on port " + port + " within 60 s:\n"
        + Files.readString(logs.get(i)));
  }

  /** The config file listing the workers. */
  public Path config() {
    return config;
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
