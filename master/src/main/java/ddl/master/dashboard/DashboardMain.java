package ddl.master.dashboard;

import ddl.transport.ClusterConfig;
import ddl.transport.DashboardConfig;
import ddl.transport.DdlException;
import ddl.transport.cli.CommandLines;
import ddl.transport.cli.Range;
import ddl.transport.cli.UsageException;
import ddl.transport.observe.LogFormat;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the dashboard until it is stopped (TERM or Ctrl-C). Run with {@code --help}. */
@Command(name = "ddl-dashboard", customSynopsis = "java -cp tasks/target/ddl-tasks.jar ddl.master.dashboard.DashboardMain [options]",
    description = {"Serves the live dashboard of a DDL cluster: its workers, the running task, past runs;",
        "plus GET /metrics (Prometheus) and GET /healthz."},
    footer = {"", "Usually started by scripts/start and stopped by scripts/shutdown. Host and port default to the",
        "config's dashboard.host and dashboard.port (127.0.0.1:7100). Bound to anything but loopback it asks",
        "for the cluster secret or the token 'scripts/status --token' prints.",
        "Exit codes: 0 stopped, 2 bad options or configuration, 3 cannot listen."})
public final class DashboardMain {
  @Option(names = "--config", paramLabel = "FILE", defaultValue = "config.yml",
      description = "cluster configuration (default: ${DEFAULT-VALUE})")
  private String configPath;
  @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
      description = "where task mains write run records and event logs (default: ${DEFAULT-VALUE})")
  private Path runs;
  @Option(names = "--host", paramLabel = "HOST", description = "bind here instead of dashboard.host")
  private String host;
  @Option(names = "--port", paramLabel = "PORT", description = "listen here instead of dashboard.port (0: any free port)")
  @Range(min = 0, max = 65535)
  private Integer port;
  @Option(names = "--poll-millis", paramLabel = "MS", defaultValue = "1000",
      description = "how often to ask each worker for its figures (default: ${DEFAULT-VALUE})")
  @Range(min = 100, max = 60_000)
  private int pollMillis;
  @Option(names = LogFormat.OPTION, paramLabel = "FORMAT",
      description = "text or json (default: the environment variable " + LogFormat.ENV + ", else text)")
  private String logFormat;

  private DashboardMain() {}

  public static void main(String[] args) {
    DashboardMain o = new DashboardMain();
    Dashboard dashboard;
    try {
      if (!CommandLines.parse(o, args)) {
        return;
      }
      LogFormat.choose(o.logFormat).install();
      ClusterConfig config = ClusterConfig.load(o.configPath);
      DashboardConfig d = config.dashboard();
      String host = o.host != null ? o.host : d.host();
      int port = o.port != null ? o.port : d.port();
      try {
        dashboard = Dashboard.start(config, o.runs, host, port, o.pollMillis).await();
      } catch (RuntimeException e) {
        System.err.println("ddl-dashboard: " + e.getMessage());
        System.exit(3);
        return;
      }
      boolean open = new DashboardConfig(true, host, port).loopbackOnly();
      Logger.getLogger(DashboardMain.class.getName()).info("dashboard on http://" + host + ":" + dashboard.port()
          + "/ for " + config.workers().size() + " workers of " + config.source() + ", following "
          + o.runs.toAbsolutePath() + " (pid " + ProcessHandle.current().pid() + ")"
          + (open ? "" : "; it asks for the cluster secret or the dashboard token"));
    } catch (UsageException e) {
      CommandLines.exitWithUsageError(e);
      return;
    } catch (IllegalArgumentException e) {
      CommandLines.exitWithUsageError(new UsageException("ddl-dashboard", e.getMessage()));
      return;
    } catch (DdlException e) {
      System.err.println("ddl-dashboard: " + e.getMessage());
      System.exit(CommandLines.USAGE);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Dashboard running = dashboard;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close().await();
      stopped.countDown();
    }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
