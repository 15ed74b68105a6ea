package ddl.worker;

import ddl.transport.ClusterConfig;
import ddl.transport.DdlException;
import ddl.transport.WorkerAddress;
import ddl.transport.cli.CommandLines;
import ddl.transport.cli.Range;
import ddl.transport.cli.UsageException;
import ddl.transport.observe.LogFormat;
import ddl.transport.observe.Observability;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts one worker process. Run with {@code --help} for the options, {@link WorkerExit} for its exit codes. */
@Command(name = "ddl-worker", customSynopsis = "java -jar worker/target/ddl-worker.jar [options]",
    description = "Starts a DDL worker: a server that runs the code masters ship to it.",
    footer = {"", "Usually started by scripts/start N, which runs it under scripts/supervise and sets",
        "OPT_OUT_TRACKING=true and TENSORFLOW_LIBRARY_PATH. Stop workers with scripts/shutdown.",
        "Exit codes: 0 stopped on request, 2 bad options or configuration, 3 cannot listen,",
        "75 left on purpose (restart me); anything else is a crash.", "",
        "Without --index and --listen the host name picks the entry: in a StatefulSet pod,",
        "ddl-worker-3 is ordinal 3 of 'workers: {stateful_set: ...}'; with a list, the one host",
        "that is the host name or starts with it and a dot. The worker then binds to 0.0.0.0",
        "unless --bind says otherwise. DDL_WORKERS and DDL_SECRET in the environment override the",
        "config's workers and secret."})
public final class WorkerMain {
  /** Sets the HTTP port for /metrics and /healthz when --http-port is not given. */
  static final String HTTP_PORT_ENV = "DDL_HTTP_PORT";
  @Option(names = "--config", paramLabel = "FILE", defaultValue = "config.yml",
      description = "cluster configuration (default: ${DEFAULT-VALUE})")
  private String configPath;
  @Option(names = "--index", paramLabel = "N",
      description = "listen on the N-th entry (0-based) of 'workers' in the config")
  @Range(min = 0)
  private Integer index;
  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "listen on this address instead (must be reachable by the master)")
  private String listen;
  @Option(names = "--bind", paramLabel = "HOST",
      description = "bind to this interface instead of the address's host (e.g. 0.0.0.0)")
  private String bind;
  @Option(names = "--gpu", description = "compute on the GPU if the TensorFlow engine finds one (logged)")
  private boolean gpu;
  @Option(names = "--http-port", paramLabel = "PORT",
      description = "serve GET /metrics (Prometheus) and GET /healthz on this port, on the same interface as"
          + " the worker (default: the environment variable " + HTTP_PORT_ENV + ", else off)")
  @Range(min = 1, max = 65535)
  private Integer httpPort;
  @Option(names = LogFormat.OPTION, paramLabel = "FORMAT",
      description = "text (one line per event) or json (one JSON object per line); default: the environment"
          + " variable " + LogFormat.ENV + ", else text")
  private String logFormat;

  private WorkerMain() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    WorkerMain options = new WorkerMain();
    try {
      if (!CommandLines.parse(options, args)) {
        return;
      }
      LogFormat.choose(options.logFormat).install();
      Integer httpPort = options.httpPort != null ? options.httpPort : httpPortFromEnv();
      ClusterConfig config = ClusterConfig.load(options.configPath);
      WorkerAddress address = address(config, options.listen, options.index);
      boolean fromHostName = options.listen == null && options.index == null;
      run(config, address, options.bind != null ? options.bind : fromHostName ? "0.0.0.0" : address.host(),
          options.gpu ? "gpu" : "cpu", httpPort);
    } catch (UsageException e) {
      CommandLines.exitWithUsageError(e);
    } catch (IllegalArgumentException e) {
      CommandLines.exitWithUsageError(new UsageException("ddl-worker", e.getMessage()));
    } catch (DdlException e) {
      System.err.println("ddl-worker: " + e.getMessage());
      System.exit(WorkerExit.USAGE);
    }
  }

  private static WorkerAddress address(ClusterConfig config, String listen, Integer index) {
    if (listen != null) {
      return WorkerAddress.parse(listen);
    }
    if (index == null) {
      String hostName = HostNameAddress.hostName();
      return HostNameAddress.find(config, hostName).orElseThrow(() -> new IllegalArgumentException(
          "say where to listen: --index N (an entry of 'workers' in " + config.source()
          + ") or --listen HOST:PORT; the host name '" + hostName + "' names no entry"));
    }
    List<WorkerAddress> possible = config.possibleWorkers();
    if (index < 0 || index >= possible.size()) {
      throw new IllegalArgumentException("--index " + index + " is outside 0.." + (possible.size() - 1)
          + " (" + config.source() + " lists " + possible.size() + " workers)");
    }
    return possible.get(index);
  }

  private static Integer httpPortFromEnv() {
    String value = System.getenv(HTTP_PORT_ENV);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("the environment variable " + HTTP_PORT_ENV + " is '" + value
        + "'; it must be a port 1..65535 (or unset, for no HTTP)");
  }

  private static void run(ClusterConfig config, WorkerAddress address, String bindHost, String device,
      Integer httpPort) {
    Logger log = Logger.getLogger(WorkerMain.class.getName());
    ExitLog.install(address.toString());
    if (ClusterConfig.EXAMPLE_SECRET.equals(config.secret())) {
      log.warning("worker " + address + ": config.yml still has the example secret; change 'secret' before "
          + "letting other machines reach this worker");
    }
    if (!"true".equals(System.getenv("OPT_OUT_TRACKING"))) {
      log.warning("worker " + address + ": OPT_OUT_TRACKING=true is not set, so DJL may contact the network"
          + " when the engine loads; start workers with scripts/start");
    }
    PrometheusMeterRegistry registry = httpPort == null ? null : Observability.registry();
    Vertx vertx = registry == null ? Vertx.vertx() : Observability.vertx(registry);
    WorkerServer server = new WorkerServer(vertx, config, address, device, code -> {
      log.info("worker " + address + ": stopped" + (code == 0 ? "" : " (exit code " + code + ")"));
      vertx.close().onComplete(ar -> System.exit(code));
    });
    Future<?> http = Future.succeededFuture();
    if (registry != null) {
      server.bindMetrics(registry);
      Router router = Observability.addRoutes(Router.router(vertx), registry, server::health);
      http = Observability.serve(vertx, router, bindHost, httpPort).onSuccess(s -> log.info("worker " + address
          + ": /metrics and /healthz on http://" + bindHost + ":" + s.actualPort() + "/"));
    }
    http.compose(h -> server.start(bindHost)).onComplete(ar -> {
      if (ar.failed()) {
        System.err.println("ddl-worker: " + ar.cause().getMessage());
        vertx.close().onComplete(x -> System.exit(WorkerExit.CANNOT_LISTEN));
        return;
      }
      log.info("worker " + address + ": listening (pid " + ProcessHandle.current().pid() + ", tls "
          + (config.tls().enabled() ? "on" : "off") + ")");
      Thread.ofVirtual().name("engine-warmup").start(() -> EngineInfo.logDevice(address.toString(), device));
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close()));
  }
}
