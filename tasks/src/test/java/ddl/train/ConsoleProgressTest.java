package ddl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  @Test
  void withoutATerminalAnEpochPrintsALineAtEveryTenthAndNoCarriageReturn() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      ConsoleProgress progress = new ConsoleProgress(true, false, (stats, state) -> { });
      progress.epochStarting(0, 3, 938);
      for (int step = 0; step < 938; step++) {
        progress.stepDone(0, step, 0.5f);
      }
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(out.contains("\r"), out);
    List<String> lines = out.lines().toList();
    assertEquals(9, lines.size(), out); // 10 % .. 90 %; the epoch line follows at 100 %
    assertTrue(lines.get(0).startsWith("epoch 1/3  10%  step 94/938  loss 0.5000"), lines.get(0));
    assertTrue(lines.get(8).startsWith("epoch 1/3  90%  step 845/938"), lines.get(8));
  }

  @Test
  void withNoProgressNothingIsPrintedWithinAnEpoch() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      ConsoleProgress progress = new ConsoleProgress(false, false, (stats, state) -> { });
      progress.epochStarting(0, 1, 100);
      for (int step = 0; step < 100; step++) {
        progress.stepDone(0, step, 0.5f);
      }
    } finally {
      System.setOut(saved);
    }
    assertEquals("", bytes.toString(StandardCharsets.UTF_8));
  }
}
