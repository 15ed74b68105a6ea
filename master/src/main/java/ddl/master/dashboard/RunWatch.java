package ddl.master.dashboard;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Follows the run folder: the newest event log ({@code <id>.events.jsonl}) is the current run, read
 * as it grows; the run records ({@code <id>.json}) are the past runs. Not thread-safe: one thread
 * (the dashboard's timer) calls {@link #poll}.
 */
final class RunWatch {
  static final String EVENTS = ".events.jsonl";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,200}");

  private final Path dir;
  private final RunMetrics metrics;
  private Path following;
  private long offset;
  private final StringBuilder partial = new StringBuilder();
  private RunState current;
  private final long createdMillis = System.currentTimeMillis();
  /** Whether events read now count in the metrics: not the backlog of a log older than this watch. */
  private boolean counting;

  /** {@code metrics} may be null (nothing is counted). */
  RunWatch(Path dir, RunMetrics metrics) {
    this.dir = dir;
    this.metrics = metrics;
  }

  /** The run being followed (the newest event log), or null. */
  RunState current() {
    return current;
  }

  /**
   * Reads what was appended since the last poll (switching to a newer log if one appeared) and
   * hands each new step point, and then the run, to {@code changed}.
   */
  void poll(BiConsumer<List<double[]>, RunState> changed) throws IOException {
    Path newest = newestLog();
    if (newest == null) {
      return;
    }
    if (!newest.equals(following)) {
      following = newest;
      offset = 0;
      partial.setLength(0);
      current = new RunState(idOf(newest));
      counting = modified(newest) >= createdMillis;
    }
    List<double[]> added = new ArrayList<>();
    boolean any = false;
    for (String line : readNew()) {
      JsonObject event = parse(line);
      if (event == null) {
        continue;
      }
      any = true;
      double[] point = current.apply(event);
      if (point != null) {
        added.add(point);
      }
      if (counting && metrics != null) {
        metrics.observe(event, current);
      }
    }
    counting = true;
    boolean gone = "running".equals(current.status) && processGone(current);
    if (gone) {
      current.status = "stopped";
      current.error = "the task process (pid " + current.started.getLong("pid") + ") ended without finishing the run";
    }
    if (any || gone) {
      if (metrics != null) {
        metrics.update(current);
      }
      changed.accept(added, current);
    }
  }

  private List<String> readNew() throws IOException {
    List<String> lines = new ArrayList<>();
    try (RandomAccessFile file = new RandomAccessFile(following.toFile(), "r")) {
      long length = file.length();
      if (length < offset) { // truncated or replaced: start over
        offset = 0;
        partial.setLength(0);
        current = new RunState(current.id);
      }
      if (length == offset) {
        return lines;
      }
      byte[] bytes = new byte[(int) Math.min(length - offset, 64L << 20)];
      file.seek(offset);
      file.readFully(bytes);
      offset += bytes.length;
      partial.append(new String(bytes, StandardCharsets.UTF_8));
    }
    int start = 0;
    for (int nl = partial.indexOf("\n"); nl >= 0; nl = partial.indexOf("\n", start)) {
      lines.add(partial.substring(start, nl));
      start = nl + 1;
    }
    partial.delete(0, start);
    return lines;
  }

  /** Whether the run's task ran on this machine and its process is gone. */
  private static boolean processGone(RunState run) {
    Long pid = run.started.getLong("pid");
    if (pid == null || !LocalHost.isThisMachine(run.started.getString("host"))) {
      return false;
    }
    return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }

  private Path newestLog() throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(EVENTS))
          .max(Comparator.comparingLong(RunWatch::modified).thenComparing(Path::toString)).orElse(null);
    }
  }

  /** Every run record, newest first, as the page lists them. */
  JsonArray pastRuns() throws IOException {
    JsonArray runs = new JsonArray();
    if (!Files.isDirectory(dir)) {
      return runs;
    }
    List<Path> records;
    try (Stream<Path> files = Files.list(dir)) {
      records = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted(Comparator.reverseOrder())
          .toList();
    }
    for (Path p : records) {
      JsonObject r = readRecord(p);
      if (r == null) {
        continue;
      }
      String id = p.getFileName().toString().replaceAll("\\.json$", "");
      runs.add(new JsonObject().put("id", id).put("task", r.getValue("task")).put("started", r.getValue("started_utc"))
          .put("mode", r.getValue("mode")).put("model", r.getValue("model")).put("workers", r.getValue("workers"))
          .put("epochs", r.getValue("epochs")).put("final_test_accuracy", r.getValue("final_test_accuracy"))
          .put("samples_per_second", r.getValue("samples_per_second")).put("wall_seconds", r.getValue("wall_seconds"))
          .put("has_curves", r.containsKey("test_accuracy")));
    }
    return runs;
  }

  /** A past run: its record, and its step losses when its event log is there; empty if unknown. */
  Optional<JsonObject> run(String id) throws IOException {
    if (!ID.matcher(id).matches()) {
      return Optional.empty();
    }
    JsonObject record = readRecord(dir.resolve(id + ".json"));
    Path events = dir.resolve(id + EVENTS);
    if (record == null && !Files.isRegularFile(events)) {
      return Optional.empty();
    }
    JsonObject out = new JsonObject().put("id", id).put("record", record);
    if (Files.isRegularFile(events)) {
      RunState state = new RunState(id);
      try (Stream<String> lines = Files.lines(events)) {
        lines.map(RunWatch::parse).filter(e -> e != null).forEach(state::apply);
      }
      out.put("run", state.full());
    }
    return Optional.of(out);
  }

  private static JsonObject readRecord(Path p) {
    try {
      // Run records may hold NaN or Infinity (Gson writes them); JSON has no such numbers.
      String text = Files.readString(p).replaceAll("(?<=[:\\[,\\s])-?(NaN|Infinity)(?=[,\\]\\s}])", "null");
      return new JsonObject(text);
    } catch (IOException | DecodeException e) {
      return null;
    }
  }

  private static JsonObject parse(String line) {
    if (line.isBlank()) {
      return null;
    }
    try {
      return new JsonObject(line.replaceAll("(?<=[:\\[,])-?(NaN|Infinity)(?=[,\\]}])", "null"));
    } catch (DecodeException e) {
      return null; // a line cut short by a crash
    }
  }

  private static String idOf(Path log) {
    String name = log.getFileName().toString();
    return name.substring(0, name.length() - EVENTS.length());
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
