package ddl.transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Workers named the way a Kubernetes StatefulSet behind a headless Service names its pods: worker
 * {@code i} is {@code name-i.service:port}. {@code replicas} workers exist now; up to
 * {@code maxReplicas} may exist once the StatefulSet is scaled up.
 */
public record StatefulSetWorkers(String name, String service, int port, int replicas, int maxReplicas) {
  /** The keys of this form, in config.yml and in {@code DDL_WORKERS}. */
  public static final Set<String> KEYS = Set.of("name", "service", "port", "replicas", "max_replicas");
  /** The most replicas this form accepts. */
  public static final int REPLICAS_LIMIT = 10_000;

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern ORDINAL_SUFFIX = Pattern.compile("-(0|[1-9][0-9]{0,8})$");

  /** Checks every value; the message names the key. */
  public StatefulSetWorkers {
    if (name == null || !LABEL.matcher(name).matches() || name.length() > 52) {
      throw new IllegalArgumentException("'name' must be a StatefulSet name: lower-case letters, digits and"
          + " '-', at most 52 characters, not '" + name + "'");
    }
    if (service == null || service.length() > 253 || !validDnsName(service)) {
      throw new IllegalArgumentException("'service' must be a DNS name such as ddl-worker or"
          + " ddl-worker.ddl.svc.cluster.local, not '" + service + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'port' is " + port + "; allowed 1..65535");
    }
    if (replicas < 1 || replicas > REPLICAS_LIMIT) {
      throw new IllegalArgumentException("'replicas' is " + replicas + "; allowed 1.." + REPLICAS_LIMIT);
    }
    if (maxReplicas < replicas || maxReplicas > REPLICAS_LIMIT) {
      throw new IllegalArgumentException("'max_replicas' is " + maxReplicas + "; allowed " + replicas
          + " ('replicas') .." + REPLICAS_LIMIT);
    }
  }

  /** The address of the pod with this ordinal: {@code name-ordinal.service:port}. */
  public WorkerAddress address(int ordinal) {
    if (ordinal < 0 || ordinal >= maxReplicas) {
      throw new IllegalArgumentException("ordinal " + ordinal + " is outside 0.." + (maxReplicas - 1)
          + " (max_replicas " + maxReplicas + ")");
    }
    return new WorkerAddress(name + "-" + ordinal + "." + service, port);
  }

  /** The {@code replicas} workers that exist now, by ordinal. */
  public List<WorkerAddress> addresses() {
    return addresses(replicas);
  }

  /** The first {@code count} workers by ordinal. */
  public List<WorkerAddress> addresses(int count) {
    List<WorkerAddress> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(address(i));
    }
    return List.copyOf(all);
  }

  /**
   * The ordinal of a pod of this StatefulSet from its host name ({@code ddl-worker-3} or
   * {@code ddl-worker-3.ddl-worker...} gives 3), or empty when the name is not one of its pods.
   */
  public OptionalInt ordinalOf(String hostName) {
    if (hostName == null) {
      return OptionalInt.empty();
    }
    String label = hostName.trim().toLowerCase(java.util.Locale.ROOT);
    int dot = label.indexOf('.');
    if (dot >= 0) {
      label = label.substring(0, dot);
    }
    var m = ORDINAL_SUFFIX.matcher(label);
    if (!m.find() || !label.substring(0, m.start()).equals(name)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(m.group(1)));
  }

  /**
   * Parses the compact form of the environment variable {@code DDL_WORKERS}: comma-separated
   * {@code key=value} pairs with the keys of config.yml, e.g.
   * {@code name=ddl-worker,service=ddl-worker,replicas=2,port=7000,max_replicas=8}.
   */
  public static StatefulSetWorkers parse(String compact) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String pair : compact.split(",")) {
      String p = pair.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("'" + p + "' is not key=value");
      }
      String key = p.substring(0, eq).trim();
      String value = p.substring(eq + 1).trim();
      if (values.put(key, value) != null) {
        throw new IllegalArgumentException("'" + key + "' is given twice");
      }
    }
    return of(values);
  }

  /**
   * Builds the form from a mapping of {@link #KEYS} (YAML or the compact form): {@code name},
   * {@code service}, {@code replicas} and {@code port} are required, {@code max_replicas} defaults
   * to {@code replicas}.
   */
  public static StatefulSetWorkers of(Map<?, ?> values) {
    for (Object key : values.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        throw new IllegalArgumentException("'" + key + "' is not a known key; known keys: "
            + new java.util.TreeSet<>(KEYS));
      }
    }
    int replicas = whole(values, "replicas", null);
    return new StatefulSetWorkers(text(values, "name"), text(values, "service"), whole(values, "port", null),
        replicas, whole(values, "max_replicas", replicas));
  }

  private static String text(Map<?, ?> values, String key) {
    Object value = values.get(key);
    if (value == null || String.valueOf(value).isBlank()) {
      throw new IllegalArgumentException("'" + key + "' is required");
    }
    return String.valueOf(value).trim();
  }

  private static int whole(Map<?, ?> values, String key, Integer fallback) {
    Object value = values.get(key);
    if (value == null) {
      if (fallback == null) {
        throw new IllegalArgumentException("'" + key + "' is required");
      }
      return fallback;
    }
    if (value instanceof Integer i) {
      return i;
    }
    try {
      if (value instanceof String s) {
        return Integer.parseInt(s.trim());
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException("'" + key + "' must be a whole number, not '" + value + "'");
  }

  private static boolean validDnsName(String name) {
    for (String label : name.split("\\.", -1)) {
      if (label.length() > 63 || !LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }
}
