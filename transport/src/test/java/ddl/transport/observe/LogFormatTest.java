package ddl.transport.observe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {
  @Test
  void printedLinesAndCarriageReturnFramesBecomeOneJsonObjectEach() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream target = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new JsonLines(target, "INFO", "stdout"), true, StandardCharsets.UTF_8);
    out.println("epoch 1 done \"quoted\" \\ back");
    out.print("frame 1\rframe 2\r");
    out.println();
    out.println("   ");
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(3, lines.size(), lines.toString());
    assertEquals("epoch 1 done \"quoted\" \\ back", new JsonObject(lines.get(0)).getString("message"));
    assertEquals("frame 2", new JsonObject(lines.get(2)).getString("message"));
    JsonObject first = new JsonObject(lines.get(0));
    assertEquals("INFO", first.getString("level"));
    assertEquals("stdout", first.getString("logger"));
    assertTrue(first.getString("time").endsWith("Z"));
  }

  @Test
  void logRecordsWithAnErrorStayOnOneLine() {
    LogRecord record = new LogRecord(Level.WARNING, "worker {0} lost");
    record.setParameters(new Object[] {"127.0.0.1:7101"});
    record.setLoggerName("ddl.test");
    record.setThrown(new IllegalStateException("boom"));
    String line = new JsonLogFormatter().format(record);
    assertEquals(1, line.lines().count(), line);
    JsonObject j = new JsonObject(line);
    assertEquals("worker 127.0.0.1:7101 lost", j.getString("message"));
    assertEquals("WARNING", j.getString("level"));
    assertTrue(j.getString("error").contains("IllegalStateException: boom"));
  }

  @Test
  void theOptionIsTakenOutOfTheArgumentsAndBadValuesAreRefused() {
    String[] found = new String[1];
    assertArrayEquals(new String[] {"sync-sgd", "--epochs", "3"},
        LogFormat.strip(new String[] {"--log-format", "json", "sync-sgd", "--epochs", "3"}, found));
    assertEquals("json", found[0]);
    assertEquals(LogFormat.JSON, LogFormat.choose(found[0]));
    assertEquals(LogFormat.TEXT, LogFormat.choose("TEXT"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFormat.choose("xml"));
    assertTrue(e.getMessage().contains("text or json"), e.getMessage());
  }
}
