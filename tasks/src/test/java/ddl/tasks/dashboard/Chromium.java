package ddl.tasks.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Headless Chromium driven over the DevTools protocol (Java's own WebSocket client), for browser
 * tests: open a page, evaluate JavaScript, take screenshots, collect console errors. The binary is
 * given explicitly (Debian's {@code chromium}); nothing is downloaded, and background networking
 * is switched off, so the browser talks to the loopback page only.
 */
final class Chromium implements AutoCloseable {
  private final Process process;
  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

  private Chromium(Process process, String pageSocket) throws Exception {
    this.process = process;
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(pageSocket), new Listener()).get(20, TimeUnit.SECONDS);
    send("Runtime.enable", new JsonObject());
    send("Log.enable", new JsonObject());
    send("Page.enable", new JsonObject());
  }

  /** The Chromium binary: {@code DDL_CHROMIUM}, else Debian's, if it is installed. */
  static Optional<Path> binary() {
    String env = System.getenv("DDL_CHROMIUM");
    for (String candidate : env != null ? List.of(env) : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      Path p = Path.of(candidate);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Starts {@code binary} headless with a fresh profile in {@code profile} and attaches to its page. */
  static Chromium launch(Path binary, Path profile, int width, int height) throws Exception {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless=new", "--disable-gpu",
        "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height, "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-extensions",
        "--disable-default-apps", "--metrics-recording-only", "--safebrowsing-disable-auto-update",
        "--disable-dev-shm-usage", "--hide-scrollbars"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.add("--no-sandbox"); // Chromium refuses to run as root with its sandbox
    }
    command.add("about:blank");
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String browserSocket = devToolsAddress(p);
      URI base = URI.create(browserSocket.replaceFirst("^ws://", "http://").replaceFirst("/devtools/.*$", ""));
      HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/json/list"))
          .build(), HttpResponse.BodyHandlers.ofString());
      JsonArray targets = new JsonArray(list.body());
      for (Object t : targets) {
        JsonObject target = (JsonObject) t;
        if ("page".equals(target.getString("type"))) {
          return new Chromium(p, target.getString("webSocketDebuggerUrl"));
        }
      }
      throw new IllegalStateException("Chromium shows no page target: " + list.body());
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private static String devToolsAddress(Process p) throws IOException {
    BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = err.readLine(); line != null; line = err.readLine()) {
      seen.append(line).append('\n');
      int at = line.indexOf("ws://");
      if (line.contains("DevTools listening on") && at >= 0) {
        Thread.ofVirtual().start(() -> drain(err)); // keep its stderr from filling up
        return line.substring(at).trim();
      }
    }
    throw new IllegalStateException("Chromium exited before it listened for DevTools:\n" + seen);
  }

  private static void drain(BufferedReader err) {
    try {
      while (err.readLine() != null) {
        // Chromium's own chatter; the page's console is read over the protocol
      }
    } catch (IOException e) {
      // the browser went away
    }
  }

  /** Calls a DevTools method and waits for its result. */
  JsonObject send(String method, JsonObject params) throws Exception {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
        .get(10, TimeUnit.SECONDS);
    JsonObject r = reply.get(30, TimeUnit.SECONDS);
    if (r.containsKey("error")) {
      throw new IllegalStateException(method + " failed: " + r.getJsonObject("error").encode());
    }
    return r.getJsonObject("result", new JsonObject());
  }

  void open(String url) throws Exception {
    send("Page.navigate", new JsonObject().put("url", url));
  }

  /** The value of a JavaScript expression in the page (JSON-compatible values only). */
  Object eval(String expression) throws Exception {
    JsonObject r = send("Runtime.evaluate", new JsonObject().put("expression", expression).put("returnByValue", true));
    if (r.containsKey("exceptionDetails")) {
      throw new IllegalStateException(expression + " threw " + r.getJsonObject("exceptionDetails").encode());
    }
    return r.getJsonObject("result").getValue("value");
  }

  /** Waits until {@code expression} is true in the page; fails with {@code what} and the page's state. */
  long awaitTrue(String expression, long timeoutMillis, String what) throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      if (Boolean.TRUE.equals(eval("Boolean(" + expression + ")"))) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
      Thread.sleep(50);
    }
    throw new AssertionError(what + " (not within " + timeoutMillis + " ms): " + expression + "\npage text: "
        + eval("document.body.innerText"));
  }

  void screenshot(Path file) throws Exception {
    JsonObject r = send("Page.captureScreenshot", new JsonObject().put("format", "png")
        .put("captureBeyondViewport", true));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(r.getString("data")));
  }

  /** Errors the page logged or threw so far. */
  List<String> consoleErrors() {
    return List.copyOf(consoleErrors);
  }

  @Override
  public void close() throws InterruptedException {
    socket.abort();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder message = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        JsonObject m = new JsonObject(message.toString());
        message.setLength(0);
        handle(m);
      }
      ws.request(1);
      return null;
    }

    private void handle(JsonObject m) {
      Long id = m.getLong("id");
      if (id != null) {
        CompletableFuture<JsonObject> reply = pending.remove(id);
        if (reply != null) {
          reply.complete(m);
        }
        return;
      }
      JsonObject params = m.getJsonObject("params", new JsonObject());
      switch (m.getString("method", "")) {
        case "Runtime.consoleAPICalled" -> {
          if ("error".equals(params.getString("type")) || "assert".equals(params.getString("type"))) {
            consoleErrors.add("console." + params.getString("type") + ": " + params.getJsonArray("args").encode());
          }
        }
        case "Runtime.exceptionThrown" -> consoleErrors.add("exception: "
            + params.getJsonObject("exceptionDetails").encode());
        case "Log.entryAdded" -> {
          JsonObject entry = params.getJsonObject("entry");
          if ("error".equals(entry.getString("level"))) {
            consoleErrors.add("log: " + entry.getString("text") + " (" + entry.getString("url") + ")");
          }
        }
        default -> { }
      }
    }
  }
}
