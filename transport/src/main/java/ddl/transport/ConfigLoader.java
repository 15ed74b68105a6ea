package ddl.transport;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** Reads config.yml with SnakeYAML's safe constructor and checks every key. */
final class ConfigLoader {
  private static final Set<String> TOP_KEYS = Set.of("workers", "secret", "transport", "tls", "dashboard");
  private static final Set<String> TRANSPORT_KEYS = Set.of(
      "max_message_bytes", "max_in_flight", "compress_threshold_bytes", "compression_level", "link_mbits",
      "call_timeout_seconds", "connect_timeout_seconds", "heartbeat_seconds", "write_queue_max_bytes",
      "runaway_grace_seconds", "session_keep_seconds", "shutdown_grace_seconds");
  /** Keys of earlier versions, with what replaced them. */
  private static final java.util.Map<String, String> RENAMED = java.util.Map.of(
      "max_frame_bytes", "max_message_bytes (large messages now travel as streams of 1 MiB frames)",
      "max_decompressed_bytes", "max_message_bytes (it also bounds what a compressed message expands to)");
  private static final Set<String> TLS_KEYS = Set.of("enabled", "certificate", "key", "trust");
  private static final Set<String> DASHBOARD_KEYS = Set.of("enabled", "host", "port");
  /** Overrides the file's secret, so it need not be written to disk. */
  static final String SECRET_ENV = "DDL_SECRET";
  /** Overrides the file's workers: host:port,host:port or the StatefulSet form key=value,... */
  static final String WORKERS_ENV = "DDL_WORKERS";

  private final Path file;
  private final UnaryOperator<String> environment;

  private ConfigLoader(Path file, UnaryOperator<String> environment) {
    this.file = file;
    this.environment = environment;
  }

  static ClusterConfig load(Path file) {
    return load(file, System::getenv);
  }

  /** Loads with the given environment instead of the process's (for tests). */
  static ClusterConfig load(Path file, Map<String, String> env) {
    return load(file, env::get);
  }

  /** Loads {@code file}, reading environment variables through {@code environment}. */
  static ClusterConfig load(Path file, UnaryOperator<String> environment) {
    return new ConfigLoader(file, environment).load();
  }

  private ClusterConfig load() {
    Object root;
    try (Reader reader = Files.newBufferedReader(file)) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10);
      root = new Yaml(new SafeConstructor(options)).load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file.toAbsolutePath()
          + " does not exist; copy config.yml from the repository or pass --config FILE");
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    } catch (YAMLException e) {
      throw new ConfigException(file + " is not valid YAML: " + e.getMessage().replace('\n', ' '));
    }
    if (!(root instanceof Map<?, ?> top)) {
      throw new ConfigException(file + " must be a YAML mapping with keys " + TOP_KEYS);
    }
    checkKeys(top, TOP_KEYS, "");
    WorkerSpec workers = workerSpec(top.get("workers"));
    String secret = secret(top.get("secret"));
    TransportConfig transport = transport(top.get("transport"));
    TlsConfig tls = tls(top.get("tls"));
    DashboardConfig dashboard = dashboard(top.get("dashboard"));
    return new ClusterConfig(file, List.copyOf(workers.list()), secret, transport, tls, workers.statefulSet(),
        dashboard);
  }

  /** The workers, and the StatefulSet that names them if they are one (else null). */
  private record WorkerSpec(List<WorkerAddress> list, StatefulSetWorkers statefulSet) {}

  /** The workers from DDL_WORKERS if it is set, else from the file: a list or a StatefulSet. */
  private WorkerSpec workerSpec(Object value) {
    String fromEnv = environment.apply(WORKERS_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.contains("=") ? statefulSetFromEnv(fromEnv) : listFromEnv(fromEnv);
    }
    if (value == null) {
      throw error("workers", "is missing: list the workers as host:port entries, describe them as a"
          + " StatefulSet (workers: {stateful_set: {name, service, replicas, port}}), or set " + WORKERS_ENV);
    }
    if (value instanceof Map<?, ?> map) {
      return statefulSetFromFile(map);
    }
    return new WorkerSpec(workers(value), null);
  }

  private WorkerSpec statefulSetFromFile(Map<?, ?> map) {
    if (map.size() != 1 || !map.containsKey("stateful_set")) {
      throw error("workers", "must be a list of host:port entries or a mapping with the single key"
          + " 'stateful_set', not keys " + map.keySet());
    }
    StatefulSetWorkers set;
    try {
      set = StatefulSetWorkers.of(mapping(map.get("stateful_set"), "workers.stateful_set"));
    } catch (IllegalArgumentException e) {
      throw error("workers.stateful_set", e.getMessage());
    }
    return new WorkerSpec(set.addresses(), set);
  }

  private WorkerSpec statefulSetFromEnv(String value) {
    try {
      StatefulSetWorkers set = StatefulSetWorkers.parse(value);
      return new WorkerSpec(set.addresses(), set);
    } catch (IllegalArgumentException e) {
      throw envError(value, e.getMessage());
    }
  }

  private WorkerSpec listFromEnv(String value) {
    List<WorkerAddress> workers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      WorkerAddress address;
      try {
        address = WorkerAddress.parse(entry.trim());
      } catch (IllegalArgumentException e) {
        throw envError(value, e.getMessage());
      }
      if (!seen.add(address.toString())) {
        throw envError(value, address + " is listed twice");
      }
      workers.add(address);
    }
    if (workers.isEmpty()) {
      throw envError(value, "lists no worker");
    }
    return new WorkerSpec(workers, null);
  }

  private ConfigException envError(String value, String what) {
    return new ConfigException("environment variable " + WORKERS_ENV + "='" + value + "' (which overrides"
        + " 'workers' in " + file + "): " + what + ". Use host:port,host:port or the StatefulSet form"
        + " name=ddl-worker,service=ddl-worker,replicas=2,port=7000[,max_replicas=8]");
  }

  private List<WorkerAddress> workers(Object value) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw error("workers", "must be a non-empty list of host:port entries");
    }
    List<WorkerAddress> workers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Object entry = list.get(i);
      WorkerAddress address;
      try {
        address = WorkerAddress.parse(String.valueOf(entry));
      } catch (IllegalArgumentException e) {
        throw error("workers[" + i + "]", e.getMessage());
      }
      if (!seen.add(address.toString())) {
        throw error("workers[" + i + "]", address + " is listed twice (duplicate port)");
      }
      workers.add(address);
    }
    sameWorkerTwice(workers);
    return workers;
  }

  /**
   * Refuses two entries that name one worker in different words, such as 127.0.0.1:7303 and
   * localhost:7303: the same port on hosts that resolve to a common address. Only entries that
   * share a port are resolved; a name that does not resolve here is compared as written.
   */
  private void sameWorkerTwice(List<WorkerAddress> workers) {
    Map<Integer, List<Integer>> byPort = new LinkedHashMap<>();
    for (int i = 0; i < workers.size(); i++) {
      byPort.computeIfAbsent(workers.get(i).port(), p -> new ArrayList<>()).add(i);
    }
    for (List<Integer> entries : byPort.values()) {
      if (entries.size() < 2) {
        continue;
      }
      List<Set<InetAddress>> resolved = entries.stream().map(i -> resolve(workers.get(i).host())).toList();
      for (int a = 1; a < entries.size(); a++) {
        for (int b = 0; b < a; b++) {
          Set<InetAddress> common = new HashSet<>(resolved.get(a));
          common.retainAll(resolved.get(b));
          if (!common.isEmpty()) {
            WorkerAddress first = workers.get(entries.get(b));
            WorkerAddress second = workers.get(entries.get(a));
            throw error("workers[" + entries.get(a) + "]", second + " is the same worker as workers[" + entries.get(b)
                + "] " + first + " (both reach " + common.iterator().next().getHostAddress() + " port "
                + first.port() + "); list each worker once");
          }
        }
      }
    }
  }

  private static Set<InetAddress> resolve(String host) {
    try {
      return new HashSet<>(List.of(InetAddress.getAllByName(host)));
    } catch (UnknownHostException | SecurityException e) {
      return Set.of();
    }
  }

  private String secret(Object value) {
    String fromEnv = environment.apply(SECRET_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      if (fromEnv.length() < 16) {
        throw new ConfigException("the environment variable " + SECRET_ENV + " is too short (" + fromEnv.length()
            + " characters); use at least 16, or unset it to use key 'secret' of " + file);
      }
      return fromEnv;
    }
    String secret = value == null ? null : String.valueOf(value);
    if (secret == null || secret.isBlank()) {
      throw error("secret", "is missing; set a long random string (or the environment variable " + SECRET_ENV + ")");
    }
    if (secret.length() < 16) {
      throw error("secret", "is too short (" + secret.length() + " characters); use at least 16");
    }
    return secret;
  }

  private TransportConfig transport(Object value) {
    TransportConfig d = TransportConfig.defaults();
    if (value == null) {
      return d;
    }
    Map<?, ?> map = mapping(value, "transport");
    for (Object key : map.keySet()) {
      String replacement = RENAMED.get(String.valueOf(key));
      if (replacement != null) {
        throw error("transport." + key, "was renamed: use transport." + replacement);
      }
    }
    checkKeys(map, TRANSPORT_KEYS, "transport.");
    return new TransportConfig(
        number(map, "max_message_bytes", d.maxMessageBytes(), 1 << 20, 1L << 40),
        (int) number(map, "max_in_flight", d.maxInFlight(), 1, 1_000_000),
        (int) number(map, "compress_threshold_bytes", d.compressThresholdBytes(), 0, Integer.MAX_VALUE),
        (int) number(map, "compression_level", d.compressionLevel(), 1, 19),
        (int) number(map, "link_mbits", d.linkMbits(), 1, 10_000_000),
        Duration.ofSeconds(number(map, "call_timeout_seconds", d.callTimeout().toSeconds(), 1, 7 * 24 * 3600)),
        Duration.ofSeconds(number(map, "connect_timeout_seconds", d.connectTimeout().toSeconds(), 1, 3600)),
        Duration.ofSeconds(number(map, "heartbeat_seconds", d.heartbeatInterval().toSeconds(), 1, 3600)),
        (int) number(map, "write_queue_max_bytes", d.writeQueueMaxBytes(), 64 * 1024, Integer.MAX_VALUE),
        Duration.ofSeconds(number(map, "runaway_grace_seconds", d.runawayGrace().toSeconds(), 1, 7 * 24 * 3600)),
        Duration.ofSeconds(number(map, "session_keep_seconds", d.sessionKeep().toSeconds(), 1, 7 * 24 * 3600)),
        Duration.ofSeconds(number(map, "shutdown_grace_seconds", d.shutdownGrace().toSeconds(), 1, 3600)));
  }

  private TlsConfig tls(Object value) {
    if (value == null) {
      return TlsConfig.disabled();
    }
    Map<?, ?> map = mapping(value, "tls");
    checkKeys(map, TLS_KEYS, "tls.");
    Object enabled = map.get("enabled");
    if (enabled != null && !(enabled instanceof Boolean)) {
      throw error("tls.enabled", "must be true or false, not '" + enabled + "'");
    }
    boolean on = Boolean.TRUE.equals(enabled);
    String certificate = path(map, "certificate", on);
    String key = path(map, "key", on);
    String trust = map.get("trust") == null ? certificate : path(map, "trust", on);
    return new TlsConfig(on, certificate, key, trust);
  }

  private DashboardConfig dashboard(Object value) {
    DashboardConfig d = DashboardConfig.defaults();
    if (value == null) {
      return d;
    }
    Map<?, ?> map = mapping(value, "dashboard");
    checkKeys(map, DASHBOARD_KEYS, "dashboard.");
    Object enabled = map.get("enabled");
    if (enabled != null && !(enabled instanceof Boolean)) {
      throw error("dashboard.enabled", "must be true or false, not '" + enabled + "'");
    }
    Object host = map.get("host");
    if (host != null && (!(host instanceof String h) || h.isBlank() || h.strip().contains(" "))) {
      throw error("dashboard.host", "must be a host name or address to bind to (such as 127.0.0.1 or 0.0.0.0),"
          + " not '" + host + "'");
    }
    return new DashboardConfig(enabled == null ? d.enabled() : (Boolean) enabled,
        host == null ? d.host() : ((String) host).trim(), (int) number(map, "dashboard.", "port", d.port(), 1, 65535));
  }

  private String path(Map<?, ?> map, String key, boolean required) {
    Object value = map.get(key);
    if (value == null) {
      if (required) {
        throw error("tls." + key, "is required when tls.enabled is true (a PEM file; see README, TLS)");
      }
      return null;
    }
    Path p = file.toAbsolutePath().getParent().resolve(String.valueOf(value));
    if (required && !Files.isReadable(p)) {
      throw error("tls." + key, "names " + p + ", which cannot be read");
    }
    return p.toString();
  }

  private Map<?, ?> mapping(Object value, String key) {
    if (!(value instanceof Map<?, ?> map)) {
      throw error(key, "must be a mapping of keys to values");
    }
    return map;
  }

  private long number(Map<?, ?> map, String key, long fallback, long min, long max) {
    return number(map, "transport.", key, fallback, min, max);
  }

  private long number(Map<?, ?> map, String prefix, String key, long fallback, long min, long max) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n) || value instanceof Double || value instanceof Float) {
      throw error(prefix + key, "must be a whole number, not '" + value + "'");
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw error(prefix + key, "is " + v + "; allowed " + min + ".." + max);
    }
    return v;
  }

  private void checkKeys(Map<?, ?> map, Set<String> allowed, String prefix) {
    for (Object key : map.keySet()) {
      if (!allowed.contains(String.valueOf(key))) {
        throw error(prefix + key, "is not a known key; known keys: " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private ConfigException error(String key, String what) {
    return new ConfigException(file + ": key '" + key + "' " + what);
  }
}
