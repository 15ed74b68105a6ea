package ddl.transport.observe;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.function.Supplier;

/**
 * Metrics and health over HTTP, shared by the worker and the dashboard: a Prometheus registry, a
 * Vert.x instance that reports its own metrics (and the JVM's) into it, and the routes
 * {@code GET /metrics} (Prometheus text format) and {@code GET /healthz}.
 */
public final class Observability {
  /** The content type of the Prometheus text exposition format. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * vertx-micrometer-metrics registers some gauges once per client it sees and Micrometer warns at
   * the second registration; that is expected, so only errors of that logger are shown.
   */
  private static final java.util.logging.Logger METER_REGISTRY_LOG =
      java.util.logging.Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  static {
    METER_REGISTRY_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  private Observability() {}

  /** A fresh registry; our own meters are named {@code ddl.*} and come out as {@code ddl_*}. */
  public static PrometheusMeterRegistry registry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** A Vert.x whose metrics (HTTP, TCP, event bus, pools) and the JVM's go to {@code registry}. */
  public static Vertx vertx(PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true);
    // No file caching: static resources are read from the classpath, never unpacked into ./.vertx.
    VertxOptions options = new VertxOptions().setMetricsOptions(metrics)
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false));
    return Vertx.builder().with(options)
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  /** Adds {@code GET /metrics} and {@code GET /healthz} to {@code router}. */
  public static Router addRoutes(Router router, PrometheusMeterRegistry registry, Supplier<Health> health) {
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", PROMETHEUS_TEXT)
        .end(registry.scrape()));
    router.get("/healthz").handler(ctx -> {
      Health h = health.get();
      ctx.response().setStatusCode(h.ok() ? 200 : 503).putHeader("content-type", "application/json")
          .putHeader("cache-control", "no-store")
          .end(new JsonObject().put("status", h.status()).encode());
    });
    return router;
  }

  /** Serves {@code router} on {@code host:port}; the failure says which address could not be bound. */
  public static Future<HttpServer> serve(Vertx vertx, Router router, String host, int port) {
    return vertx.createHttpServer().requestHandler(router).listen(port, host).recover(e -> Future.failedFuture(
        new IllegalStateException("cannot serve HTTP on " + host + ":" + port + " (" + e.getMessage()
            + "); is another process using that port?", e)));
  }
}
