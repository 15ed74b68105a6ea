package ddl.transport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The shared command-line rules: strict numbers, ranges, one-line usage errors, --help and --version. */
class CommandLinesTest {
  @Command(name = "demo", description = "A command for the test.")
  static final class Demo implements Validated {
    @Option(names = "--count", description = "how many (default ${DEFAULT-VALUE})")
    @Range(min = 1, max = 1000)
    int count = 5;
    @Option(names = "--rate", description = "a rate")
    @Range(above = 0, max = 10)
    double rate = 0.5;
    @Option(names = "--fraction")
    @Range(min = 0, below = 1)
    double fraction;
    @Option(names = "--file")
    String file;
    @Option(names = "--even")
    int even;
    @Option(names = "--quiet")
    boolean quiet;

    @Override
    public void validate() {
      if (even % 2 != 0) {
        throw new IllegalArgumentException("--even must be even");
      }
    }
  }

  private static String usageError(String... args) {
    UsageException e = assertThrows(UsageException.class, () -> CommandLines.parse(new Demo(), args));
    assertEquals("demo", e.command());
    assertFalse(e.oneLine().contains("\n"), e.oneLine());
    assertTrue(e.oneLine().endsWith("(see demo --help)"), e.oneLine());
    return e.getMessage();
  }

  @Test
  void numbersAreParsedStrictlyAndCheckedAgainstTheirRange() {
    assertTrue(usageError("--count", "4294967298").contains("'4294967298' is not an int"));
    assertTrue(usageError("--count", "3.5").contains("not an int"));
    assertEquals("--count must be >= 1 and <= 1,000, not 0", usageError("--count", "0"));
    assertEquals("--count must be >= 1 and <= 1,000, not -5", usageError("--count", "-5"));
    assertEquals("--rate must be > 0 and <= 10, not 1e308", usageError("--rate", "1e308"));
    assertEquals("--rate must be > 0 and <= 10, not 0", usageError("--rate", "0"));
    assertEquals("--rate must be > 0 and <= 10, not NaN", usageError("--rate", "NaN"));
    assertEquals("--rate must be > 0 and <= 10, not Infinity", usageError("--rate", "Infinity"));
    assertEquals("--fraction must be >= 0 and < 1, not 1", usageError("--fraction", "1"));
    assertEquals("--even must be even", usageError("--even", "3"));
  }

  @Test
  void unknownOptionsAndMissingValuesAreOneLineWithASuggestion() {
    assertTrue(usageError("--cout", "3").contains("did you mean --count?"));
    assertTrue(usageError("--count").contains("--count"));
    assertTrue(usageError("--count", "2", "--count", "3").contains("should be specified only once"));
  }

  @Test
  void valuesAreSetAndWhatWasTypedIsKept() {
    Demo demo = new Demo();
    CommandLine cl = CommandLines.create(demo);
    var parsed = CommandLines.parse(cl, new String[] {"--count", "7", "--file", "@notes.txt", "--quiet"});
    assertEquals(7, demo.count);
    assertEquals(0.5, demo.rate, "defaults stay");
    assertEquals("@notes.txt", demo.file, "an @ argument is a value, not a file of arguments");
    assertEquals(Map.of("count", "7", "file", "@notes.txt", "quiet", "true"), CommandLines.given(parsed));
  }

  @Test
  void helpAndVersionArePrintedAndSayNotToRun() {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      assertFalse(CommandLines.parse(new Demo(), new String[] {"--help"}));
      assertFalse(CommandLines.parse(new Demo(), new String[] {"--version"}));
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("Usage: demo [OPTIONS]") && out.contains("how many (default 5)"), out);
    assertTrue(out.contains("DDL " + ProjectVersion.version()), out);
    assertTrue(ProjectVersion.version().matches("\\d+\\.\\d+\\.\\d+.*"), ProjectVersion.version());
  }
}
