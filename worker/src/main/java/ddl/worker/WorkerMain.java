package ddl.worker;

import ddl.transport.ClusterConfig;
import ddl.transport.DdlException;
import ddl.transport.WorkerAddress;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.logging.Logger;

/** Starts one worker process. Run with {@code --help} for the options. */
public final class WorkerMain {
  private static final String USAGE = """
      Usage: java -jar worker/target/ddl-worker.jar [options]
      Starts a DDL worker: a server that runs the code masters ship to it.

        --config FILE       cluster configuration (default: config.yml)
        --index N           listen on the N-th entry (0-based) of 'workers' in the config
        --listen HOST:PORT  listen on this address instead (must be reachable by the master)
        --bind HOST         bind to this interface instead of the address's host (e.g. 0.0.0.0)
        --gpu               compute on the GPU if the TensorFlow engine finds one (logged)
        --help              show this text

      Without --index and --listen the host name picks the entry: in a StatefulSet pod,
      ddl-worker-3 is ordinal 3 of 'workers: {stateful_set: ...}'; with a list, the one host
      that is the host name or starts with it and a dot. The worker then binds to 0.0.0.0
      unless --bind says otherwise. DDL_WORKERS and DDL_SECRET in the environment override the
      config's workers and secret.

      Usually started by scripts/start N, which also sets OPT_OUT_TRACKING=true and
      TENSORFLOW_LIBRARY_PATH. Stop workers with scripts/shutdown.
      """;

  private WorkerMain() {}

  public static void main(String[] args) {
    Logging.configure();
    System.setProperty("ai.djl.offline", "true");
    String configPath = "config.yml";
    String listen = null;
    String bind = null;
    Integer index = null;
    boolean gpu = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--help", "-h" -> {
            System.out.print(USAGE);
            return;
          }
          case "--config" -> configPath = value(args, ++i);
          case "--index" -> index = Integer.parseInt(value(args, ++i));
          case "--listen" -> listen = value(args, ++i);
          case "--bind" -> bind = value(args, ++i);
          case "--gpu" -> gpu = true;
          default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
        }
      }
      ClusterConfig config = ClusterConfig.load(configPath);
      WorkerAddress address = address(config, listen, index);
      boolean fromHostName = listen == null && index == null;
      run(config, address, bind != null ? bind : fromHostName ? "0.0.0.0" : address.host(), gpu ? "gpu" : "cpu");
    } catch (IllegalArgumentException | DdlException e) {
      System.err.println("ddl-worker: " + e.getMessage());
      System.err.println("Run with --help for usage.");
      System.exit(2);
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
    if (ClusterConfig.EXAMPLE_SECRET.equals(config.secret())) {
      log.warning("worker " + address + ": config.yml still has the example secret; change 'secret' before "
          + "letting other machines reach this worker");
    }
    if (!"true".equals(System.getenv("OPT_OUT_TRACKING"))) {
      log.warning("worker " + address + ": OPT_OUT_TRACKING=true is not set, so DJL may contact the network"
          + " when the engine loads; start workers with scripts/start");
    }
    Vertx vertx = Vertx.vertx();
    WorkerServer server = new WorkerServer(vertx, config, address, device, () -> {
      log.info("worker " + address + ": stopped");
      vertx.close().onComplete(ar -> System.exit(0));
    });
    server.start(bindHost).onComplete(ar -> {
      if (ar.failed()) {
        System.err.println("ddl-worker: " + ar.cause().getMessage());
        vertx.close().onComplete(x -> System.exit(3));
        return;
      }
      log.info("worker " + address + ": listening (pid " + ProcessHandle.current().pid() + ", tls "
          + (config.tls().enabled() ? "on" : "off") + ")");
      Thread.ofVirtual().name("engine-warmup").start(() -> EngineInfo.logDevice(address.toString(), device));
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close()));
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("option '" + args[i - 1] + "' needs a value");
    }
    return args[i];
  }
}
