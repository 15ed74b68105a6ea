package ddl.master;

import ddl.transport.ClusterConfig;
import ddl.transport.DdlException;
import ddl.transport.WorkerAddress;
import ddl.transport.cli.CommandLines;
import ddl.transport.cli.Range;
import ddl.transport.cli.UsageException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The cluster operations scripts/start and scripts/shutdown need: wait until workers answer a
 * ping, show their status, ask them to shut down. Run with {@code --help}.
 */
@Command(name = "ClusterTool", description = "Cluster operations for scripts/start and scripts/shutdown.",
    subcommands = {ClusterTool.Status.class, ClusterTool.Monitor.class, ClusterTool.Shutdown.class,
        ClusterTool.ListWorkers.class, ClusterTool.DashboardSettings.class, ClusterTool.DashboardToken.class},
    footer = {"", "Exit status: 0 when every worker asked about answered (shutdown: 0 unless the config is bad),",
        "1 when one did not, 2 for a bad command line or config."})
public final class ClusterTool {
  private ClusterTool() {}

  /** The config and which of its workers a command is about. */
  static final class Workers {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "config.yml",
        description = "cluster configuration (default: ${DEFAULT-VALUE})")
    String config;
    @Option(names = "--only", paramLabel = "HOST:PORT", split = ",",
        description = "only these workers (comma-separated) instead of every worker of the config")
    List<String> only;

    ClusterConfig cluster() {
      return ClusterConfig.load(config);
    }

    List<WorkerAddress> targets(ClusterConfig cluster) {
      return only == null ? cluster.workers()
          : only.stream().map(String::trim).filter(s -> !s.isEmpty()).map(WorkerAddress::parse).toList();
    }
  }

  @Command(name = "status", description = {"Pings every worker of the config (or --only those) and shows its "
      + "figures; with --wait, retries until all answer or the time is up."})
  static final class Status {
    @Mixin
    Workers workers;
    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
        description = "keep trying for this long (default: ${DEFAULT-VALUE}, one try)")
    @Range(min = 0, max = 86_400)
    int waitSeconds;
    @Option(names = "--watch", paramLabel = "PID", split = ",",
        description = "stop waiting as soon as one of these processes has exited (scripts/start passes the"
            + " supervisors it started)")
    List<Long> watch = List.of();
  }

  @Command(name = "monitor", description = {"One line per worker of the config (or --only those) and one about"
      + " the newest run of --runs; with --watch, refreshed in place until interrupted."})
  static final class Monitor {
    @Mixin
    Workers workers;
    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
        description = "the run folder whose newest event log is shown (default: ${DEFAULT-VALUE})")
    java.nio.file.Path runs;
    @Option(names = "--watch", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "2",
        description = "refresh every SECONDS (default 2 when given without a value) until interrupted")
    @Range(min = 1, max = 3600)
    Integer watchSeconds;
  }

  @Command(name = "dashboard", description = "Prints \"enabled host port\" of the config's dashboard settings.")
  static final class DashboardSettings {
    @Mixin
    Workers workers;
  }

  @Command(name = "dashboard-token", description = {"Prints the dashboard token of the config's secret: what a",
      "dashboard bound beyond loopback accepts instead of the secret (it cannot run code on workers)."})
  static final class DashboardToken {
    @Mixin
    Workers workers;
  }

  @Command(name = "shutdown", description = "Asks every reachable worker of the config (or --only those) to finish"
      + " its calls and exit.")
  static final class Shutdown {
    @Mixin
    Workers workers;
  }

  @Command(name = "list", description = "Prints \"index host port\" for each worker of the config.")
  static final class ListWorkers {
    @Mixin
    Workers workers;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** Runs the tool; its exit status. */
  static int run(String[] args, PrintStream out) {
    try {
      CommandLine cl = CommandLines.create(new ClusterTool());
      ParseResult parsed = CommandLines.parse(cl, args);
      if (parsed == null) {
        return 0;
      }
      if (!parsed.hasSubcommand()) {
        throw new UsageException("ClusterTool", "say which command: status, shutdown or list");
      }
      Object command = parsed.subcommand().commandSpec().userObject();
      return switch (command) {
        case Status s -> {
          ClusterConfig cluster = s.workers.cluster();
          yield status(cluster, s.workers.targets(cluster), s.waitSeconds, s.watch, out);
        }
        case Shutdown s -> {
          ClusterConfig cluster = s.workers.cluster();
          yield shutdown(cluster, s.workers.targets(cluster), out);
        }
        case Monitor m -> {
          ClusterConfig cluster = m.workers.cluster();
          yield monitor(cluster, m.workers.targets(cluster), m.runs, m.watchSeconds, out);
        }
        case DashboardSettings d -> {
          var settings = d.workers.cluster().dashboard();
          out.println(settings.enabled() + " " + settings.host() + " " + settings.port());
          yield 0;
        }
        case DashboardToken t -> {
          out.println(ddl.master.dashboard.DashboardAuth.token(t.workers.cluster().secret()));
          yield 0;
        }
        case ListWorkers l -> {
          List<WorkerAddress> all = l.workers.cluster().workers();
          for (int i = 0; i < all.size(); i++) {
            out.println(i + " " + all.get(i).host() + " " + all.get(i).port());
          }
          yield 0;
        }
        default -> throw new IllegalStateException("no such command: " + command);
      };
    } catch (UsageException e) {
      System.err.println(e.oneLine());
      return CommandLines.USAGE;
    } catch (DdlException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return CommandLines.USAGE;
    }
  }

  private static int status(ClusterConfig config, List<WorkerAddress> targets, int waitSeconds, List<Long> watch,
      PrintStream out) {
    Vertx vertx = Vertx.vertx();
    long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
    try {
      Map<WorkerAddress, String> down = new LinkedHashMap<>();
      targets.forEach(a -> down.put(a, "not tried"));
      while (true) {
        for (WorkerAddress address : List.copyOf(down.keySet())) {
          try {
            out.println(workerLine(vertx, config, address));
            down.remove(address);
          } catch (RuntimeException e) {
            down.put(address, e.getMessage());
          }
        }
        if (down.isEmpty()) {
          return 0;
        }
        String gone = watch.stream().filter(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true))
            .findFirst().map(pid -> "process " + pid + " has exited").orElse(null);
        if (System.nanoTime() > deadline || gone != null) {
          down.forEach((address, error) -> out.printf("%-21s DOWN (%s)%n", address, error));
          if (gone != null) {
            out.println("stopped waiting: " + gone);
          }
          return 1;
        }
        sleep(200);
      }
    } finally {
      vertx.close().await();
    }
  }

  /** One line about a worker that answers; fails if it does not. */
  private static String workerLine(Vertx vertx, ClusterConfig config, WorkerAddress address) {
    ProxyWorker w = ProxyWorker.connect(vertx, config, address, 0).await();
    try {
      long rtt = w.ping().await();
      var stats = w.stats().await();
      return String.format(java.util.Locale.ROOT,
          "%-21s up   ping %7.2f ms  uptime %6.1f s  sessions %d  calls %,d  heap %,d MiB  %s%s", address, rtt / 1e6,
          stats.uptimeMillis() / 1000.0, stats.sessions() - 1, stats.callsServed(), stats.heapUsedBytes() >> 20,
          stats.device(), stats.runawayCalls() == 0 ? ""
              : "  " + stats.runawayCalls() + " runaway calls (ignored their cancellation)");
    } finally {
      w.close();
    }
  }

  /** Prints every worker's line and the newest run's; 1 if a worker is down. */
  private static int monitor(ClusterConfig config, List<WorkerAddress> targets, java.nio.file.Path runs,
      Integer watchSeconds, PrintStream out) {
    Vertx vertx = Vertx.vertx();
    boolean terminal = ddl.transport.cli.Terminal.isInteractive();
    try {
      while (true) {
        StringBuilder screen = new StringBuilder();
        int down = 0;
        for (WorkerAddress address : targets) {
          try {
            screen.append(workerLine(vertx, config, address)).append('\n');
          } catch (RuntimeException e) {
            down++;
            screen.append(String.format("%-21s DOWN (%s)%n", address,
                String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
          }
        }
        screen.append(ddl.master.dashboard.RunStatus.newest(runs).orElse("no run yet in " + runs)).append('\n');
        if (watchSeconds == null) {
          out.print(screen);
          return down == 0 ? 0 : 1;
        }
        String header = java.time.LocalTime.now().withNano(0) + "  " + (targets.size() - down) + " of "
            + targets.size() + " workers up  (every " + watchSeconds + " s; Ctrl-C to stop)\n";
        // On a terminal the screen is redrawn in place; in a log each refresh follows the last.
        out.print((terminal ? "\033[H\033[2J" : "\n") + header + screen);
        out.flush();
        sleep(watchSeconds * 1000L);
      }
    } finally {
      vertx.close().await();
    }
  }

  private static int shutdown(ClusterConfig config, List<WorkerAddress> targets, PrintStream out) {
    Vertx vertx = Vertx.vertx();
    try {
      List<Future<String>> results = new ArrayList<>();
      for (WorkerAddress address : targets) {
        results.add(ProxyWorker.connect(vertx, config, address, 0)
            .compose(w -> w.shutdown().map(v -> address + " asked to stop"))
            .recover(e -> Future.succeededFuture(address + " not reached (" + e.getMessage().lines().findFirst()
                .orElse("") + ")")));
      }
      results.forEach(f -> out.println(f.await()));
      return 0;
    } finally {
      vertx.close().await();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
