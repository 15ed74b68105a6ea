package ddl.transport.observe;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * An output stream that turns each line written to it into one JSON log line on {@code target}
 * (carriage returns end a line too, so nothing redraws in place).
 */
final class JsonLines extends OutputStream {
  private final PrintStream target;
  private final String level;
  private final String logger;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  JsonLines(PrintStream target, String level, String logger) {
    this.target = target;
    this.level = level;
    this.logger = logger;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n' || b == '\r') {
      emit();
    } else {
      line.write(b);
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  private void emit() {
    if (line.size() == 0) {
      return;
    }
    String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
    line.reset();
    if (!text.isBlank()) {
      target.println(JsonLogFormatter.entry(Instant.now(), level, logger, text).encode());
    }
  }

  @Override
  public synchronized void flush() {
    target.flush();
  }
}
