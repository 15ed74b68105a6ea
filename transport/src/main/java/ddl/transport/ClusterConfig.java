package ddl.transport;

import java.nio.file.Path;
import java.util.List;

/** Everything config.yml says: the workers, the shared secret, transport and TLS settings. */
public record ClusterConfig(
    Path source, List<WorkerAddress> workers, String secret, TransportConfig transport, TlsConfig tls) {

  /** The secret shipped in the repository's config.yml; workers warn while it is in use. */
  public static final String EXAMPLE_SECRET = "change-me-before-you-use-this-beyond-localhost";

  /** Loads and validates a config file; errors name the file and the key. */
  public static ClusterConfig load(String path) {
    return ConfigLoader.load(Path.of(path));
  }

  /** Loads and validates a config file; errors name the file and the key. */
  public static ClusterConfig load(Path path) {
    return ConfigLoader.load(path);
  }

  /** The same cluster with only the first {@code n} workers. */
  public ClusterConfig firstWorkers(int n) {
    if (n < 1 || n > workers.size()) {
      throw new ConfigException("asked for " + n + " workers but " + source + " lists " + workers.size()
          + " (key 'workers')");
    }
    return new ClusterConfig(source, workers.subList(0, n), secret, transport, tls);
  }

  /** The same settings with another worker list. */
  public ClusterConfig withWorkers(List<WorkerAddress> others) {
    return new ClusterConfig(source, List.copyOf(others), secret, transport, tls);
  }
}
