package ddl.tasks.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.tasks.train.WorkerProcesses;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/task examples} against two real worker processes: every example checks its own
 * answer and throws if one is wrong; this test also reads what it printed.
 */
class ExamplesTaskTest {
  @TempDir
  Path dir;

  @Test
  void everyExampleReturnsWhatItShouldOnTwoWorkers() throws Exception {
    try (WorkerProcesses workers = WorkerProcesses.start(2, dir)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream original = System.out;
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      try {
        TaskExamples.run(new String[] {"--config", workers.config().toString(), "--workers", "2"});
      } finally {
        System.setOut(original);
      }
      String out = bytes.toString(StandardCharsets.UTF_8);
      System.out.print(out);
      for (String expected : new String[] {
          "-> weights: n=3 sum*scale=40.0", "-> 168", "-> [6.0, 6.0]", "candidates: scale(long, double)",
          "CallCancelledException", "calls running after the cancel", "CallTimeoutException",
          "calls running after the deadline", "-> [168, 184, 196, 211, 222]",
          "worker 1 (slept 0 ms)", "failed: worker", "fails on purpose", "-> 42", "-> [counter, index]",
          "catch (Calc.InsufficientFunds e)", "-> 2024-02-29", "cycle kept: true", "-> 43",
          "all examples returned what they should"}) {
        assertTrue(out.contains(expected), "missing '" + expected + "' in:\n" + out);
      }
    }
  }
}
