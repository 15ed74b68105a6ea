package ddl.tasks;

import ddl.master.Cluster;
import ddl.master.ConnectOptions;
import ddl.transport.ClusterConfig;
import ddl.transport.cli.CommandLines;
import ddl.transport.cli.Range;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The flags every task main shares ({@code --config}, {@code --workers}), as a picocli mixin
 * ({@code @Mixin TaskOptions task;} in a task's flags class), and the parsing of a task's
 * command line: {@code --help}, {@code --version}, typed options with ranges, usage errors.
 */
public final class TaskOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "cluster configuration (default ${DEFAULT-VALUE})")
  private String config = "config.yml";
  @Option(names = "--workers", paramLabel = "N", description = "use the first N workers of the config, all of which"
      + " must answer (default: every worker of the config that answers)")
  @Range(min = 1)
  private Integer workers;
  @Spec(Spec.Target.MIXEE)
  private CommandSpec task;

  /**
   * Parses {@code args} into {@code flags}, an object with picocli options and a {@code @Mixin
   * TaskOptions}. Returns {@code flags}, or null after printing the usage or the version.
   *
   * @throws ddl.transport.cli.UsageException for an unknown option or a value the task cannot use
   */
  public static <T> T parse(String task, T flags, String[] args) {
    CommandLine cl = CommandLines.create(flags);
    cl.setCommandName("scripts/task " + task);
    return CommandLines.parse(cl, args) == null ? null : flags;
  }

  /** The config file as given. */
  public String configFile() {
    return config;
  }

  /** The config file, cut to the first {@code --workers} entries if given. */
  public ClusterConfig cluster() {
    ClusterConfig loaded = ClusterConfig.load(config);
    return workers != null ? loaded.firstWorkers(workers) : loaded;
  }

  /**
   * Connects to the cluster: the first {@code --workers N} workers of the config (all must
   * answer), or without that flag every worker of the config that answers.
   */
  public Cluster connect() {
    return connect(ConnectOptions.DEFAULT);
  }

  /** Like {@link #connect()}, with options (a named session). */
  public Cluster connect(ConnectOptions how) {
    ClusterConfig cluster = cluster();
    return (workers != null ? Cluster.connectAll(cluster, how) : Cluster.connect(cluster, how)).await();
  }

  /** Every flag given on the command line, as typed, for the run record. */
  public Map<String, String> values() {
    return CommandLines.given(task.commandLine().getParseResult());
  }
}
