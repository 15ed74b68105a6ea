package ddl.master.dashboard;

import ddl.transport.ClusterConfig;
import ddl.transport.observe.Health;
import ddl.transport.observe.Observability;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The live dashboard: an HTTP server (Vert.x Web) with a static page, a JSON API and a stream of
 * server-sent events. It watches the config's workers ({@link WorkerWatch}) and follows the run
 * folder ({@link RunWatch}); it serves {@code /metrics} and {@code /healthz} like a worker.
 *
 * <p>API: {@code GET /api/state} (workers and the current run with its step points),
 * {@code GET /api/events} (SSE: {@code state} first, then {@code workers} every poll and at every
 * change, {@code run} with the new points whenever the run's log grows), {@code GET /api/runs}
 * (past runs), {@code GET /api/runs/ID} (one run's record and curves).
 */
public final class Dashboard {
  private static final Logger LOG = Logger.getLogger(Dashboard.class.getName());

  private final ClusterConfig config;
  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final WorkerWatch workers;
  private final RunWatch runs;
  private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
  private volatile JsonObject run;
  private volatile boolean closing;
  private HttpServer server;
  private long timer = -1;

  private Dashboard(ClusterConfig config, Path runDir, long pollMillis) {
    this.config = config;
    this.registry = Observability.registry();
    this.vertx = Observability.vertx(registry);
    this.workers = new WorkerWatch(vertx, config, pollMillis, states -> vertx.runOnContext(v -> pushWorkers()));
    this.runs = new RunWatch(runDir, new RunMetrics(registry));
    Gauge.builder("ddl.cluster.workers.up", workers, w -> w.states().stream().filter(WorkerState::up).count())
        .description("workers of the config that answered the dashboard's last poll").register(registry);
    Gauge.builder("ddl.cluster.workers", config, c -> c.workers().size())
        .description("workers in the config").register(registry);
    Gauge.builder("ddl.dashboard.clients", streams, Set::size).description("browsers following the live stream")
        .register(registry);
  }

  /**
   * Starts a dashboard for {@code config} on {@code host:port} (0: any free port), following the run
   * folder {@code runDir} and polling the workers every {@code pollMillis}.
   */
  public static Future<Dashboard> start(ClusterConfig config, Path runDir, String host, int port, long pollMillis) {
    boolean open = new ddl.transport.DashboardConfig(true, host, port).loopbackOnly();
    return start(config, runDir, host, port, pollMillis, !open);
  }

  /** Like the public start; {@code login} says whether to ask for the secret or token (tests). */
  static Future<Dashboard> start(ClusterConfig config, Path runDir, String host, int port, long pollMillis,
      boolean login) {
    Dashboard d = new Dashboard(config, runDir, pollMillis);
    return d.listen(host, port, !login).map(s -> d).recover(e -> d.close().transform(x -> Future.failedFuture(e)));
  }

  private Future<HttpServer> listen(String host, int port, boolean open) {
    Router router = Router.router(vertx);
    // A browser that goes away while a file is being sent is no error of the dashboard's.
    router.route().failureHandler(ctx -> {
      if (ctx.failure() instanceof java.io.IOException) {
        LOG.fine(() -> "dashboard: a client went away: " + ctx.failure());
        if (!ctx.response().closed()) {
          ctx.request().connection().close();
        }
      } else {
        ctx.next();
      }
    });
    new DashboardAuth(open, config.secret()).install(router);
    Observability.addRoutes(router, registry, () -> closing ? Health.down("shutting down") : Health.up());
    router.get("/api/state").handler(ctx -> json(ctx, state()));
    router.get("/api/events").handler(this::stream);
    router.get("/api/runs").handler(ctx -> blocking(ctx, () -> new JsonObject().put("runs", runs.pastRuns())));
    router.get("/api/runs/:id").handler(ctx -> blocking(ctx, () -> runs.run(ctx.pathParam("id")).orElse(null)));
    router.route("/*").handler(StaticHandler.create("ddl/master/dashboard/web").setCachingEnabled(false)
        .setDefaultContentEncoding("UTF-8"));
    workers.start();
    timer = vertx.setPeriodic(500, t -> followRuns());
    followRuns();
    return Observability.serve(vertx, router, host, port).onSuccess(s -> server = s);
  }

  /** The port the dashboard listens on. */
  public int port() {
    return server.actualPort();
  }

  /** Workers and the current run, as {@code GET /api/state} and the first SSE event give them. */
  JsonObject state() {
    return new JsonObject().put("config", config.source().toString()).put("workers", workersJson())
        .put("run", run);
  }

  private JsonArray workersJson() {
    long now = System.currentTimeMillis();
    JsonArray a = new JsonArray();
    for (WorkerState w : workers.states()) {
      a.add(w.toJson(now));
    }
    return a;
  }

  private void followRuns() {
    vertx.executeBlocking(() -> {
      JsonObject[] delta = new JsonObject[1];
      runs.poll((points, state) -> {
        JsonArray added = new JsonArray();
        points.forEach(p -> added.add(new JsonArray().add(p[0]).add(p[1])));
        delta[0] = state.summary().put("new_points", added);
        run = state.full();
      });
      return delta[0];
    }, true).onSuccess(delta -> {
      if (delta != null) {
        send("run", delta);
      }
      pushWorkers();
    }).onFailure(e -> LOG.warning("dashboard: cannot read the run folder: " + e.getMessage()));
  }

  private void pushWorkers() {
    send("workers", new JsonObject().put("workers", workersJson()));
  }

  private void stream(RoutingContext ctx) {
    HttpServerResponse r = ctx.response();
    r.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    streams.add(r);
    r.closeHandler(v -> streams.remove(r));
    r.exceptionHandler(e -> streams.remove(r));
    r.write("retry: 1000\n\n");
    r.write(event("state", state()));
  }

  private void send(String type, JsonObject data) {
    if (streams.isEmpty()) {
      return;
    }
    String text = event(type, data);
    for (HttpServerResponse r : List.copyOf(streams)) {
      if (r.writeQueueFull()) {
        continue; // a slow browser skips updates rather than filling the heap
      }
      r.write(text).onFailure(e -> streams.remove(r));
    }
  }

  private static String event(String type, JsonObject data) {
    return "event: " + type + "\ndata: " + data.encode() + "\n\n";
  }

  private void blocking(RoutingContext ctx, Callable<JsonObject> work) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.response().setStatusCode(500).putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", String.valueOf(ar.cause().getMessage())).encode());
      } else if (ar.result() == null) {
        ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", "no such run").encode());
      } else {
        json(ctx, ar.result());
      }
    });
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
        .end(body.encode());
  }

  /** Stops polling, ends the streams and the server, and closes Vert.x. */
  public Future<Void> close() {
    closing = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    workers.close();
    streams.forEach(r -> r.end());
    streams.clear();
    return vertx.close();
  }
}
