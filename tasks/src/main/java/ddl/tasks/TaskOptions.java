package ddl.tasks;

import ddl.master.Cluster;
import ddl.transport.ClusterConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line flags of a task main: {@code --name value} pairs and bare switches, with the flags
 * every task shares ({@code --config}, {@code --workers}, {@code --help}) and a usage text.
 */
public final class TaskOptions {
  private final String task;
  private final String usage;
  private final Map<String, String> values = new LinkedHashMap<>();

  private TaskOptions(String task, String usage) {
    this.task = task;
    this.usage = usage;
  }

  /**
   * Parses {@code args}. {@code flags} maps each known flag (without dashes) to its help line; a
   * flag whose help starts with "switch:" takes no value. Prints usage and returns null on --help;
   * throws {@link IllegalArgumentException} for an unknown flag or a missing value.
   */
  public static TaskOptions parse(String task, String summary, Map<String, String> flags, String[] args) {
    return parse(task, summary, flags, args, true);
  }

  /**
   * Like {@link #parse(String, String, Map, String[])}; {@code cluster} false leaves out the cluster
   * flags ({@code --config}, {@code --workers}) for a task that runs without workers.
   */
  public static TaskOptions parse(String task, String summary, Map<String, String> flags, String[] args,
      boolean cluster) {
    Map<String, String> all = new LinkedHashMap<>();
    if (cluster) {
      all.put("config", "FILE cluster configuration (default config.yml)");
      all.put("workers", "N use the first N workers of the config, all of which must answer (default: every"
          + " worker of the config that answers)");
    }
    all.putAll(flags);
    all.put("help", "switch: show this text");
    StringBuilder usage = new StringBuilder("Usage: scripts/task " + task + " [options]\n" + summary + "\n\n");
    all.forEach((k, v) -> usage.append(String.format("  --%-16s %s%n", k, v.replace("switch: ", ""))));
    TaskOptions options = new TaskOptions(task, usage.toString());
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || !all.containsKey(arg.substring(2))) {
        throw new IllegalArgumentException("unknown option '" + arg + "'; see scripts/task " + task + " --help");
      }
      String name = arg.substring(2);
      if (all.get(name).startsWith("switch:")) {
        options.values.put(name, "true");
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option '" + arg + "' needs a value");
        }
        options.values.put(name, args[++i]);
      }
    }
    if (options.has("help")) {
      System.out.print(options.usage);
      return null;
    }
    return options;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public int integer(String name, int fallback) {
    return (int) number(name, fallback);
  }

  public long number(String name, long fallback) {
    String v = values.get(name);
    try {
      return v == null ? fallback : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " needs a whole number, not '" + v + "'");
    }
  }

  public double decimal(String name, double fallback) {
    String v = values.get(name);
    try {
      return v == null ? fallback : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " needs a number, not '" + v + "'");
    }
  }

  /** The config file, cut to the first {@code --workers} entries if given. */
  public ClusterConfig cluster() {
    ClusterConfig config = ClusterConfig.load(string("config", "config.yml"));
    return has("workers") ? config.firstWorkers(integer("workers", 0)) : config;
  }

  /**
   * Connects to the cluster: the first {@code --workers N} workers of the config (all must
   * answer), or without that flag every worker of the config that answers.
   */
  public Cluster connect() {
    ClusterConfig config = cluster();
    return (has("workers") ? Cluster.connect(config) : Cluster.connectAvailable(config)).await();
  }

  /** Every flag as given, for the run record. */
  public Map<String, String> values() {
    return values;
  }

  public String task() {
    return task;
  }
}
