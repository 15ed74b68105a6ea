package ddl.transport.observe;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** Formats a log record as one JSON object on one line: time, level, logger, message, error. */
public final class JsonLogFormatter extends Formatter {
  @Override
  public String format(LogRecord record) {
    JsonObject line = entry(record.getInstant(), record.getLevel().getName(), record.getLoggerName(),
        formatMessage(record));
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.put("error", trace.toString());
    }
    return line.encode() + System.lineSeparator();
  }

  /** The common fields of every JSON log line. */
  static JsonObject entry(Instant time, String level, String logger, String message) {
    return new JsonObject().put("time", time.toString()).put("level", level).put("logger", logger)
        .put("message", message).put("pid", ProcessHandle.current().pid());
  }
}
