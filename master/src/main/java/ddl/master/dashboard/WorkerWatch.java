package ddl.master.dashboard;

import ddl.master.ProxyWorker;
import ddl.transport.CallOptions;
import ddl.transport.ClusterConfig;
import ddl.transport.WorkerAddress;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Keeps one connection to every worker of the config and asks each for its figures every
 * {@code pollMillis}. A worker whose connection closes (a killed process: the kernel resets it) is
 * down at once, one that does not answer within three poll intervals (at least 5 s: a busy worker
 * may take a while) when that time is up; a worker that is down is dialled again at every poll.
 */
final class WorkerWatch implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WorkerWatch.class.getName());

  private final Vertx vertx;
  private final ClusterConfig config;
  private final long pollMillis;
  /** Hears of every worker going up or down. */
  private final Consumer<List<WorkerState>> onChange;
  private final Map<WorkerAddress, WorkerState> states = new ConcurrentHashMap<>();
  private final Map<WorkerAddress, ProxyWorker> proxies = new ConcurrentHashMap<>();
  private final Map<WorkerAddress, Boolean> dialling = new ConcurrentHashMap<>();
  private final Map<WorkerAddress, Boolean> asking = new ConcurrentHashMap<>();
  private long timer = -1;

  WorkerWatch(Vertx vertx, ClusterConfig config, long pollMillis, Consumer<List<WorkerState>> onChange) {
    this.vertx = vertx;
    this.config = config;
    this.pollMillis = pollMillis;
    this.onChange = onChange;
    for (WorkerAddress a : config.workers()) {
      states.put(a, new WorkerState(a.toString(), false, "not polled yet", 0, null));
    }
  }

  void start() {
    poll();
    timer = vertx.setPeriodic(pollMillis, t -> poll());
  }

  /** The workers in config order. */
  List<WorkerState> states() {
    List<WorkerState> list = new ArrayList<>();
    for (WorkerAddress a : config.workers()) {
      list.add(states.get(a));
    }
    return list;
  }

  private void poll() {
    for (WorkerAddress address : config.workers()) {
      ProxyWorker proxy = proxies.get(address);
      if (proxy != null && proxy.isConnected()) {
        ask(address, proxy);
      } else if (dialling.putIfAbsent(address, true) == null) {
        int index = config.workers().indexOf(address);
        ProxyWorker.connect(vertx, config, address, index).onComplete(ar -> {
          dialling.remove(address);
          if (ar.failed()) {
            down(address, ar.cause());
            return;
          }
          ProxyWorker connected = ar.result().with(CallOptions.timeout(Duration.ofMillis(answerMillis())));
          proxies.put(address, connected);
          connected.disconnected().onComplete(x -> {
            proxies.remove(address, connected);
            down(address, new IllegalStateException("connection closed"));
          });
          ask(address, connected);
        });
      }
    }
  }

  private void ask(WorkerAddress address, ProxyWorker proxy) {
    if (asking.putIfAbsent(address, true) != null) {
      return; // the last question is still out
    }
    proxy.stats().timeout(answerMillis(), TimeUnit.MILLISECONDS).onComplete(ar -> {
      asking.remove(address);
      if (ar.succeeded()) {
        update(address, new WorkerState(address.toString(), true, null, System.currentTimeMillis(), ar.result()));
      } else {
        proxies.remove(address, proxy);
        proxy.close();
        down(address, ar.cause());
      }
    });
  }

  /**
   * How long a connected worker may take to answer before it counts as down (hung, stopped or cut
   * off); a killed worker is down sooner, as soon as its connection closes.
   */
  private long answerMillis() {
    return Math.max(5000, 3 * pollMillis);
  }

  private void down(WorkerAddress address, Throwable cause) {
    WorkerState before = states.get(address);
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName()
        : cause.getMessage().lines().findFirst().orElse("");
    if (before != null && before.up()) {
      LOG.warning("dashboard: worker " + address + " is down (" + why + ")");
    }
    update(address, new WorkerState(address.toString(), false, why, before == null ? 0 : before.lastSeenMillis(),
        before == null ? null : before.stats()));
  }

  private void update(WorkerAddress address, WorkerState state) {
    WorkerState before = states.put(address, state);
    if (before != null && !before.up() && state.up() && before.lastSeenMillis() != 0) {
      LOG.info("dashboard: worker " + address + " is up again");
    }
    if (before == null || before.up() != state.up()) {
      onChange.accept(states());
    }
  }

  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    proxies.values().forEach(ProxyWorker::close);
    proxies.clear();
  }
}
