package ddl.transport;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything config.yml says: the workers, the shared secret, transport and TLS settings. When the
 * workers are a StatefulSet, {@code statefulSet} says how they are named and how many there may be
 * ({@link #possibleWorkers()}); otherwise it is null.
 */
public record ClusterConfig(Path source, List<WorkerAddress> workers, String secret, TransportConfig transport,
    TlsConfig tls, StatefulSetWorkers statefulSet, DashboardConfig dashboard) {

  /** The secret shipped in the repository's config.yml; workers warn while it is in use. */
  public static final String EXAMPLE_SECRET = "change-me-before-you-use-this-beyond-localhost";

  /** A cluster whose workers are a plain list. */
  public ClusterConfig(Path source, List<WorkerAddress> workers, String secret, TransportConfig transport,
      TlsConfig tls) {
    this(source, workers, secret, transport, tls, null);
  }

  /** A cluster with the default dashboard settings. */
  public ClusterConfig(Path source, List<WorkerAddress> workers, String secret, TransportConfig transport,
      TlsConfig tls, StatefulSetWorkers statefulSet) {
    this(source, workers, secret, transport, tls, statefulSet, DashboardConfig.defaults());
  }

  /** Loads and validates a config file; errors name the file and the key. */
  public static ClusterConfig load(String path) {
    return ConfigLoader.load(Path.of(path));
  }

  /** Loads and validates a config file; errors name the file and the key. */
  public static ClusterConfig load(Path path) {
    return ConfigLoader.load(path);
  }

  /**
   * The same cluster with only the first {@code n} workers; a StatefulSet's first {@code n} pods,
   * up to {@code max_replicas}, when the workers are one (it may have been scaled up).
   */
  public ClusterConfig firstWorkers(int n) {
    if (statefulSet != null && n > workers.size() && n <= statefulSet.maxReplicas()) {
      return new ClusterConfig(source, statefulSet.addresses(n), secret, transport, tls, statefulSet, dashboard);
    }
    if (n < 1 || n > workers.size()) {
      throw new ConfigException("asked for " + n + " workers but " + source + " lists " + workers.size()
          + " (key 'workers')");
    }
    return new ClusterConfig(source, workers.subList(0, n), secret, transport, tls, statefulSet, dashboard);
  }

  /** The same settings with another worker list. */
  public ClusterConfig withWorkers(List<WorkerAddress> others) {
    return new ClusterConfig(source, List.copyOf(others), secret, transport, tls, statefulSet, dashboard);
  }

  /**
   * Every worker that may take part: the StatefulSet's pods up to {@code max_replicas} (those past
   * {@code replicas} appear when it is scaled up), or the listed workers.
   */
  public List<WorkerAddress> possibleWorkers() {
    return statefulSet == null ? workers : statefulSet.addresses(statefulSet.maxReplicas());
  }
}
