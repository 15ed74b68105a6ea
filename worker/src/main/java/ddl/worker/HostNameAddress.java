package ddl.worker;

import ddl.transport.ClusterConfig;
import ddl.transport.StatefulSetWorkers;
import ddl.transport.WorkerAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Finds a worker's own entry in the config from its host name, as in a StatefulSet pod
 * ({@code ddl-worker-3} is ordinal 3), so one pod template serves every replica.
 */
final class HostNameAddress {
  private HostNameAddress() {}

  /**
   * With StatefulSet workers: the pod of the host name's ordinal (up to {@code max_replicas}).
   * With a list: the one entry whose host is the host name or starts with it and a dot. Empty when
   * the host name names no entry.
   */
  static Optional<WorkerAddress> find(ClusterConfig config, String hostName) {
    if (hostName == null || hostName.isBlank()) {
      return Optional.empty();
    }
    StatefulSetWorkers set = config.statefulSet();
    if (set != null) {
      OptionalInt ordinal = set.ordinalOf(hostName);
      if (ordinal.isEmpty()) {
        return Optional.empty();
      }
      if (ordinal.getAsInt() >= set.maxReplicas()) {
        throw new IllegalArgumentException("host name " + hostName + " is pod " + ordinal.getAsInt()
            + " of StatefulSet " + set.name() + ", but " + config.source() + " allows at most max_replicas "
            + set.maxReplicas() + "; raise max_replicas (or DDL_WORKERS) before scaling further");
      }
      return Optional.of(set.address(ordinal.getAsInt()));
    }
    String host = hostName.trim().toLowerCase(Locale.ROOT);
    List<WorkerAddress> matching = config.workers().stream()
        .filter(w -> {
          String h = w.host().toLowerCase(Locale.ROOT);
          return h.equals(host) || h.startsWith(host + ".");
        })
        .toList();
    return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
  }

  /** This machine's host name: {@code HOSTNAME}, else /etc/hostname, else the resolver's answer. */
  static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      String file = Files.readString(Path.of("/etc/hostname")).trim();
      if (!file.isEmpty()) {
        return file;
      }
    } catch (IOException e) {
      // not Linux, or no such file: ask the resolver
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "";
    }
  }
}
