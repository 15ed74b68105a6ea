package ddl.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A run's append-only event log, {@code runs/<id>.events.jsonl}: one JSON object per line, each
 * with {@code type}, {@code time} (UTC) and {@code t} (seconds since the log was opened). The
 * dashboard follows it while the run lasts, and it is what a crashed run leaves behind. Types:
 * {@code run_started}, {@code epoch_started}, {@code step}, {@code epoch_done}, {@code worker},
 * {@code run_finished}, {@code run_failed}. Lines are flushed at least every 200 ms and at every
 * event other than a step. Thread-safe. A write that fails is logged once and the run goes on.
 */
public final class RunEvents implements AutoCloseable {
  /** The file name suffix after the run id. */
  public static final String SUFFIX = ".events.jsonl";
  private static final Logger LOG = Logger.getLogger(RunEvents.class.getName());
  private static final long FLUSH_NANOS = 200_000_000L;
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

  private final Path file;
  private final long startNanos = System.nanoTime();
  private BufferedWriter out;
  private long lastFlush = startNanos;

  private RunEvents(Path file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  /** Opens (creates or appends to) the event log of run {@code id} under {@code dir}. */
  public static RunEvents open(Path dir, String id) {
    Path file = dir.resolve(id + SUFFIX);
    try {
      Files.createDirectories(dir);
      return new RunEvents(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the event log " + file.toAbsolutePath(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** Appends an event of {@code type} with {@code fields}; a step is flushed with the next flush. */
  public synchronized void write(String type, Map<String, ?> fields) {
    if (out == null) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", type);
    line.put("time", Instant.now().toString());
    long now = System.nanoTime();
    line.put("t", Math.round((now - startNanos) / 1e6) / 1e3);
    line.putAll(fields);
    try {
      out.write(GSON.toJson(line));
      out.write('\n');
      if (!type.equals("step") || now - lastFlush > FLUSH_NANOS) {
        out.flush();
        lastFlush = now;
      }
    } catch (IOException e) {
      LOG.warning("cannot write the event log " + file + " (" + e.getMessage() + "); the run goes on without it");
      closeQuietly();
    }
  }

  /** A step finished: 1-based epoch, step within it, batch loss. */
  public void step(int epoch, int step, float loss) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("epoch", epoch);
    f.put("step", step);
    f.put("loss", Float.isFinite(loss) ? (double) loss : null);
    write("step", f);
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // nothing more to save
      }
      out = null;
    }
  }
}
