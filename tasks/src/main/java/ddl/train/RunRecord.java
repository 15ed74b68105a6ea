package ddl.train;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters and figures of one task run, written to {@code runs/<run id>.json}. The run id is
 * {@code <UTC time>-<task>}, with {@code -2}, {@code -3}... added when a run of the same second
 * already left files, so that no run's files overwrite another's.
 */
public final class RunRecord {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private final String task;
  private final Instant started;
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final String id;

  public RunRecord(String task) {
    this(task, java.util.List.of());
  }

  /** A record whose run id names no file yet in {@code dirs} (where the run writes its files). */
  public RunRecord(String task, java.util.List<Path> dirs) {
    this(task, dirs, Instant.now());
  }

  /** Like {@link #RunRecord(String, java.util.List)}, for a run that started at {@code started}. */
  public RunRecord(String task, java.util.List<Path> dirs, Instant started) {
    this.task = task;
    this.started = started;
    this.id = uniqueId(STAMP.format(started) + "-" + task, dirs);
    fields.put("task", task);
    fields.put("run_id", id);
    fields.put("started_utc", started.toString());
  }

  private static String uniqueId(String base, java.util.List<Path> dirs) {
    for (int n = 1; ; n++) {
      String id = n == 1 ? base : base + "-" + n;
      String prefix = id + ".";
      String checkpoints = id + "-epoch";
      boolean taken = dirs.stream().filter(Files::isDirectory).anyMatch(d -> {
        try (var files = Files.list(d)) {
          return files.map(f -> f.getFileName().toString())
              .anyMatch(f -> f.startsWith(prefix) || f.startsWith(checkpoints));
        } catch (IOException e) {
          return false;
        }
      });
      if (!taken) {
        return id;
      }
    }
  }

  /**
   * The run's id: {@code <UTC time>-<task>}, unique among the files of its folders; the name of its
   * record, its event log and its checkpoints.
   */
  public String id() {
    return id;
  }

  /** Adds or replaces a field; values are numbers, strings, booleans, lists or maps of them. */
  public RunRecord put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  public Map<String, Object> fields() {
    return fields;
  }

  /** Writes the record under {@code dir} and returns its path. */
  public Path write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(id + ".json");
      Files.writeString(file, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
          .create().toJson(fields) + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run record under " + dir.toAbsolutePath(), e);
    }
  }

  /** Prints rows of {@code name, value} as an aligned two-column table. */
  public static void printTable(String title, Map<String, String> rows) {
    int width = rows.keySet().stream().mapToInt(String::length).max().orElse(4);
    System.out.println(title);
    rows.forEach((k, v) -> System.out.printf("  %-" + width + "s  %s%n", k, v));
  }
}
