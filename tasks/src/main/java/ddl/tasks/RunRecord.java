package ddl.tasks;

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

/** The parameters and figures of one task run, written to {@code runs/<UTC time>-<task>.json}. */
public final class RunRecord {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private final String task;
  private final Instant started = Instant.now();
  private final Map<String, Object> fields = new LinkedHashMap<>();

  public RunRecord(String task) {
    this.task = task;
    fields.put("task", task);
    fields.put("started_utc", started.toString());
  }

  /** Adds or replaces a field; values are numbers, strings, booleans, lists or maps of them. */
  public RunRecord put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  /** The run's id, {@code <UTC time>-<task>}: the name of its record and of its event log. */
  public String id() {
    return STAMP.format(started) + "-" + task;
  }

  public Map<String, Object> fields() {
    return fields;
  }

  /** Writes the record under {@code dir} and returns its path. */
  public Path write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(id() + ".json");
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
