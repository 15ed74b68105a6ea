package ddl.master;

import ddl.transport.ClusterConfig;
import ddl.transport.DdlException;
import ddl.transport.WorkerAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cluster operations scripts/start and scripts/shutdown need: wait until workers answer a
 * ping, show their status, ask them to shut down. Run with {@code --help}.
 */
public final class ClusterTool {
  private static final String USAGE = """
      Usage: ClusterTool COMMAND [--config FILE] [--only HOST:PORT,...] [--wait SECONDS]
        status     ping every worker of the config (or --only those) and show its figures;
                   with --wait, retry until all answer or the time is up
        shutdown   ask every reachable worker to finish its calls and exit
        list       print "index host port" for each worker of the config
      Exit status: 0 when every worker asked about answered (shutdown: always 0 unless the config is bad).
      """;

  private ClusterTool() {}

  public static void main(String[] args) {
    if (args.length == 0 || Arrays.asList(args).contains("--help")) {
      System.out.print(USAGE);
      return;
    }
    String config = "config.yml";
    String only = null;
    int waitSeconds = 0;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> config = args[++i];
        case "--only" -> only = args[++i];
        case "--wait" -> waitSeconds = Integer.parseInt(args[++i]);
        default -> fail("unknown option '" + args[i] + "'\n" + USAGE);
      }
    }
    try {
      ClusterConfig cluster = ClusterConfig.load(config);
      List<WorkerAddress> targets = only == null ? cluster.workers()
          : Arrays.stream(only.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(WorkerAddress::parse).toList();
      int code = switch (args[0]) {
        case "status" -> status(cluster, targets, waitSeconds);
        case "shutdown" -> shutdown(cluster, targets);
        case "list" -> {
          for (int i = 0; i < cluster.workers().size(); i++) {
            System.out.println(i + " " + cluster.workers().get(i).host() + " " + cluster.workers().get(i).port());
          }
          yield 0;
        }
        default -> {
          fail("unknown command '" + args[0] + "'\n" + USAGE);
          yield 2;
        }
      };
      System.exit(code);
    } catch (DdlException | IllegalArgumentException e) {
      fail(e.getMessage());
    }
  }

  private static int status(ClusterConfig config, List<WorkerAddress> targets, int waitSeconds) {
    Vertx vertx = Vertx.vertx();
    long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
    try {
      List<WorkerAddress> pending = new ArrayList<>(targets);
      String lastError = "";
      while (true) {
        List<WorkerAddress> still = new ArrayList<>();
        for (WorkerAddress address : pending) {
          ProxyWorker w = null;
          try {
            w = ProxyWorker.connect(vertx, config, address, 0).await();
            long rtt = w.ping().await();
            var stats = w.stats().await();
            System.out.printf("%-21s up   ping %7.2f ms  uptime %6.1f s  sessions %d  calls %,d  heap %,d MiB%n",
                address, rtt / 1e6, stats.uptimeMillis() / 1000.0, stats.sessions() - 1, stats.callsServed(),
                stats.heapUsedBytes() >> 20);
            w.close().await();
          } catch (RuntimeException e) {
            still.add(address);
            lastError = e.getMessage();
            if (w != null) {
              w.close();
            }
          }
        }
        if (still.isEmpty()) {
          return 0;
        }
        if (System.nanoTime() > deadline) {
          for (WorkerAddress address : still) {
            System.out.printf("%-21s DOWN (%s)%n", address, lastError);
          }
          return 1;
        }
        pending = still;
        sleep(200);
      }
    } finally {
      vertx.close().await();
    }
  }

  private static int shutdown(ClusterConfig config, List<WorkerAddress> targets) {
    Vertx vertx = Vertx.vertx();
    try {
      List<Future<String>> results = new ArrayList<>();
      for (WorkerAddress address : targets) {
        results.add(ProxyWorker.connect(vertx, config, address, 0)
            .compose(w -> w.shutdown().map(v -> address + " stopped"))
            .recover(e -> Future.succeededFuture(address + " not running (" + e.getMessage().lines().findFirst()
                .orElse("") + ")")));
      }
      results.forEach(f -> System.out.println(f.await()));
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

  private static void fail(String message) {
    System.err.println("error: " + message);
    System.exit(2);
  }
}
