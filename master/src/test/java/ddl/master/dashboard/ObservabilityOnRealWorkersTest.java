package ddl.master.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.master.ProxyWorker;
import ddl.master.WorkerProcesses;
import ddl.transport.ClusterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics, /healthz, JSON logs, the status monitor and the dashboard against two real worker
 * processes (both serving HTTP, logging JSON) and a dashboard polling them every 250 ms. The
 * methods run in order: the last ones kill worker 1 and shut worker 0 down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityOnRealWorkersTest {
  private Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private WorkerProcesses workers;
  private int[] httpPorts;
  private ClusterConfig config;
  private Path runs;
  private Dashboard dashboard;
  private Vertx vertx;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    httpPorts = new int[] {WorkerProcesses.freePort(), WorkerProcesses.freePort()};
    workers = WorkerProcesses.start(2, dir, "",
        i -> List.of("--http-port", "" + httpPorts[i], "--log-format", "json"));
    config = workers.config();
    runs = Files.createDirectories(dir.resolve("runs"));
    dashboard = Dashboard.start(config, runs, "127.0.0.1", 0, 250).await();
    vertx = Vertx.vertx();
    for (int port : httpPorts) {
      awaitHttp(port);
    }
  }

  @AfterAll
  void stop() {
    if (dashboard != null) {
      dashboard.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (workers != null) {
      workers.close();
    }
  }

  @Test
  @Order(1)
  void workerMetricsParseFollowTheConventionsAndGrowWithCalls() throws Exception {
    PrometheusText before = PrometheusText.parse(get(httpPorts[0], "/metrics").body());
    before.checkDdlConventions();
    before.requireType("ddl_worker_calls_total", "counter");
    before.requireType("ddl_worker_received_bytes_total", "counter");
    before.requireType("ddl_worker_sent_bytes_total", "counter");
    before.requireType("ddl_worker_heartbeats_missed_total", "counter");
    before.requireType("ddl_worker_call_duration_seconds", "histogram");
    before.requireType("ddl_worker_sessions", "gauge");
    assertTrue(before.types.keySet().stream().anyMatch(n -> n.startsWith("vertx_")), "Vert.x's own metrics: "
        + before.types.keySet());
    assertTrue(before.types.keySet().stream().anyMatch(n -> n.startsWith("jvm_")), "JVM metrics");

    ProxyWorker w = ProxyWorker.connect(vertx, config, config.workers().get(0), 0).await();
    try {
      for (int i = 0; i < 20; i++) {
        w.ping().await();
      }
      assertEquals(7, (int) w.call(ctx -> 3 + 4).await());
    } finally {
      w.close().await();
    }
    PrometheusText after = PrometheusText.parse(get(httpPorts[0], "/metrics").body());
    assertTrue(after.value("ddl_worker_calls_total") >= before.value("ddl_worker_calls_total") + 21,
        before.value("ddl_worker_calls_total") + " -> " + after.value("ddl_worker_calls_total"));
    assertTrue(after.value("ddl_worker_call_duration_seconds_count")
        >= before.value("ddl_worker_call_duration_seconds_count") + 1);
    assertTrue(after.value("ddl_worker_received_bytes_total") > before.value("ddl_worker_received_bytes_total"));
    assertTrue(after.value("ddl_worker_sent_bytes_total") > before.value("ddl_worker_sent_bytes_total"));
    assertEquals(200, get(httpPorts[1], "/healthz").statusCode());
    assertEquals("up", new JsonObject(get(httpPorts[1], "/healthz").body()).getString("status"));
  }

  @Test
  @Order(2)
  void dashboardShowsBothWorkersUpAndServesItsPageAndMetrics() throws Exception {
    JsonObject state = awaitState(s -> upCount(s) == 2, Duration.ofSeconds(20));
    JsonObject w = state.getJsonArray("workers").getJsonObject(0);
    assertTrue(w.getDouble("uptime_seconds") > 0 && w.getLong("heap_used_bytes") > 0, w.encode());
    HttpResponse<String> page = get(dashboard.port(), "/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("vendor/uplot-1.6.32/uPlot.iife.min.js"), "the page loads the vendored chart");
    assertEquals(200, get(dashboard.port(), "/vendor/uplot-1.6.32/uPlot.iife.min.js").statusCode());
    assertEquals(200, get(dashboard.port(), "/app.js").statusCode());
    PrometheusText metrics = PrometheusText.parse(get(dashboard.port(), "/metrics").body());
    metrics.checkDdlConventions();
    assertEquals(2.0, metrics.value("ddl_cluster_workers_up"));
    metrics.requireType("ddl_run_steps_total", "counter");
    metrics.requireType("ddl_run_step_duration_seconds", "histogram");
    assertEquals(200, get(dashboard.port(), "/healthz").statusCode());
  }

  @Test
  @Order(3)
  void statusExitsWithZeroWhileEveryWorkerAnswers() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = ddl.master.ClusterToolAccess.run(new String[] {"monitor", "--config", workers.configFile().toString(),
        "--runs", runs.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    assertEquals(2, text.lines().filter(l -> l.contains(" up ")).count(), text);
    assertTrue(text.contains("no run yet"), text);
  }

  @Test
  @Order(4)
  void theDashboardFollowsARunsEventLogAsItGrows() throws Exception {
    Path log = runs.resolve("20990101T000000Z-sync-sgd.events.jsonl");
    append(log, new JsonObject().put("type", "run_started").put("t", 0.0).put("task", "sync-sgd")
        .put("pid", ProcessHandle.current().pid()).put("host", java.net.InetAddress.getLocalHost().getHostName())
        .put("epochs", 2).put("steps_per_epoch", 10).put("batch_per_worker", 64).put("mode", "sync")
        .put("workers", new JsonArray().add("a").add("b")));
    append(log, new JsonObject().put("type", "epoch_started").put("t", 0.1).put("epoch", 1).put("epochs", 2)
        .put("steps", 10));
    try (SseReader sse = new SseReader(dashboard.port())) {
      JsonObject first = sse.next("state");
      assertNotNull(first.getJsonArray("workers"));
      for (int step = 1; step <= 5; step++) {
        append(log, new JsonObject().put("type", "step").put("t", 0.1 + step * 0.05).put("epoch", 1).put("step", step)
            .put("loss", 2.0 / step));
      }
      int seen = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (seen < 5 && System.nanoTime() < deadline) {
        JsonObject run = sse.next("run");
        seen += run.getJsonArray("new_points").size();
      }
      assertEquals(5, seen, "step points pushed over SSE");
    }
    append(log, new JsonObject().put("type", "epoch_done").put("t", 1.0).put("epoch", 1).put("test_accuracy", 0.8)
        .put("test_loss", 0.5).put("train_loss", 0.7).put("compute_share", 0.4).put("communication_share", 0.55)
        .put("master_share", 0.05));
    JsonObject state = awaitState(s -> s.getJsonObject("run") != null
        && s.getJsonObject("run").getJsonArray("epochs_done").size() == 1, Duration.ofSeconds(10));
    JsonObject run = state.getJsonObject("run");
    assertEquals("running", run.getString("status"));
    assertEquals(5, run.getJsonArray("points").size());
    assertEquals(0.4, run.getDouble("loss"), 1e-9);
    assertEquals(0.8, run.getDouble("test_accuracy"), 1e-9);
    PrometheusText metrics = PrometheusText.parse(get(dashboard.port(), "/metrics").body());
    assertTrue(metrics.value("ddl_run_steps_total") >= 5);
    assertEquals(0.4, metrics.value("ddl_run_loss"), 1e-9);
    assertEquals(0.8, metrics.value("ddl_run_accuracy_ratio"), 1e-9);

    append(log, new JsonObject().put("type", "run_finished").put("t", 2.0));
    awaitState(s -> "finished".equals(s.getJsonObject("run").getString("status")), Duration.ofSeconds(10));
  }

  @Test
  @Order(5)
  void aKilledWorkerShowsAsDownWithinThreeSecondsAndStatusSaysSo() throws Exception {
    try (SseReader sse = new SseReader(dashboard.port())) {
      sse.next("state");
      long killed = System.nanoTime();
      workers.process(1).destroyForcibly(); // SIGKILL
      JsonObject state = awaitState(s -> upCount(s) == 1, Duration.ofSeconds(3));
      double seconds = (System.nanoTime() - killed) / 1e9;
      JsonObject down = state.getJsonArray("workers").getJsonObject(1);
      assertFalse(down.getBoolean("up"), down.encode());
      assertEquals("down", down.getString("state"));
      // The page's stream says it too.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      boolean streamed = false;
      while (!streamed && System.nanoTime() < deadline) {
        JsonObject w = sse.next("workers");
        streamed = !w.getJsonArray("workers").getJsonObject(1).getBoolean("up");
      }
      assertTrue(streamed, "a workers event with worker 1 down");
      System.out.printf("worker shown down %.2f s after kill -9%n", seconds);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = ddl.master.ClusterToolAccess.run(new String[] {"monitor", "--config", workers.configFile().toString(),
        "--runs", runs.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, text);
    assertTrue(text.contains("DOWN"), text);
    assertTrue(text.contains("finished"), "the newest run's line: " + text);
  }

  @Test
  @Order(6)
  void healthzTurnsUnhealthyWhileAWorkerShutsDownAndItsJsonLogParses() throws Exception {
    ProxyWorker w = ProxyWorker.connect(vertx, config, config.workers().get(0), 0).await();
    ddl.transport.RemoteFunction<Integer, Integer> sleep = (ctx, millis) -> {
      Thread.sleep(millis);
      return millis;
    };
    assertEquals(0, (int) w.call(sleep, 0).await()); // ships the class
    var slow = w.call(sleep, 3000);
    w.ping().await(); // requests are taken in order: the slow call has been accepted
    var shutdown = ProxyWorker.connect(vertx, config, config.workers().get(0), 0).compose(ProxyWorker::shutdown);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    int status = 200;
    while (status == 200 && System.nanoTime() < deadline) {
      status = get(httpPorts[0], "/healthz").statusCode();
    }
    assertEquals(503, status, "/healthz while the worker finishes its calls before it stops");
    assertEquals("shutting down", new JsonObject(get(httpPorts[0], "/healthz").body()).getString("status"));
    assertEquals(3000, (int) slow.await());
    shutdown.await();
    assertTrue(workers.process(0).waitFor(20, TimeUnit.SECONDS));
    assertEquals(0, workers.process(0).exitValue());
    List<String> lines = workers.log(0).lines().filter(l -> !l.isBlank()).toList();
    assertTrue(lines.size() >= 3, String.join("\n", lines));
    for (String line : lines) {
      JsonObject entry = new JsonObject(line); // fails on a line that is not JSON
      assertNotNull(entry.getString("time"), line);
      assertNotNull(entry.getString("level"), line);
      assertNotNull(entry.getString("message"), line);
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("shutdown requested")), String.join("\n", lines));
  }

  private static int upCount(JsonObject state) {
    return (int) state.getJsonArray("workers").stream().filter(w -> ((JsonObject) w).getBoolean("up")).count();
  }

  private JsonObject awaitState(Predicate<JsonObject> ready, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    JsonObject state;
    do {
      state = new JsonObject(get(dashboard.port(), "/api/state").body());
      if (ready.test(state)) {
        return state;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the dashboard's state did not get there within " + within + ": " + state.encode());
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitHttp(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        get(port, "/healthz");
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static void append(Path log, JsonObject event) throws IOException {
    Files.writeString(log, event.encode() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Reads the dashboard's server-sent events, as the page's EventSource does. */
  private final class SseReader implements AutoCloseable {
    private final BufferedReader reader;
    private final java.io.InputStream body;

    SseReader(int port) throws IOException, InterruptedException {
      body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events")).build(),
          HttpResponse.BodyHandlers.ofInputStream()).body();
      reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The data of the next event of {@code type} (others are skipped). */
    JsonObject next(String type) throws IOException {
      String event = null;
      List<String> data = new ArrayList<>();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.add(line.substring(6));
        } else if (line.isEmpty()) {
          if (type.equals(event)) {
            return new JsonObject(String.join("\n", data));
          }
          event = null;
          data.clear();
        }
      }
      throw new IOException("the event stream ended");
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }
}
