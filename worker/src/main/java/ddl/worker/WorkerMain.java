package ddl.worker;

import ddl.transport.ClusterConfig;
import ddl.transport.DdlException;
import ddl.transport.WorkerAddress;
import ddl.transport.cli.CommandLines;
import ddl.transport.cli.Range;
import ddl.transport.cli.UsageException;
import io.vertx.core.Vertx;
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

  private WorkerMain() {}

  public static void main(String[] args) {
    Logging.configure();
    System.setProperty("ai.djl.offline", "true");
    WorkerMain options = new WorkerMain();
    try {
      if (!CommandLines.parse(options, args)) {
        return;
      }
      ClusterConfig config = ClusterConfig.load(options.configPath);
      WorkerAddress address = address(config, options.listen, options.index);
      boolean fromHostName = options.listen == null && options.index == null;
      run(config, address, options.bind != null ? options.bind : fromHostName ? "0.0.0.0" : address.host(),
          options.gpu ? "gpu" : "cpu");
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

  private static void run(ClusterConfig config, WorkerAddress address, String bindHost, String device) {
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
    Vertx vertx = Vertx.vertx();
    WorkerServer server = new WorkerServer(vertx, config, address, device, code -> {
      log.info("worker " + address + ": stopped" + (code == 0 ? "" : " (exit code " + code + ")"));
      vertx.close().onComplete(ar -> System.exit(code));
    });
    server.start(bindHost).onComplete(ar -> {
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
