package ddl.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.tasks.examples.TaskExamples;
import ddl.train.WorkerProcesses;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user runs first, against two real worker processes: README's Java code blocks
 * compile as printed and its task main runs from a folder whose config.yml lists the workers; and
 * {@code scripts/task examples}, whose examples each check their own answer, prints what each
 * returned.
 */
class ReadmeAndExamplesTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS_NAME = Pattern.compile("public (?:final )?class (\\w+)");

  @TempDir
  static Path dir;
  private static WorkerProcesses workers;

  @BeforeAll
  static void startWorkers() throws Exception {
    workers = WorkerProcesses.start(2, dir);
  }

  @AfterAll
  static void stopWorkers() {
    workers.close();
  }

  @Test
  void readmeJavaBlocksCompileAndTheTaskRuns() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Path src = Files.createDirectories(dir.resolve("src"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<Path> files = new ArrayList<>();
    Matcher block = JAVA_BLOCK.matcher(readme);
    while (block.find()) {
      Matcher name = CLASS_NAME.matcher(block.group(1));
      assertTrue(name.find(), "a java block of README.md without a public class:\n" + block.group(1));
      Path file = src.resolve(name.group(1) + ".java");
      Files.writeString(file, block.group(1));
      files.add(file);
    }
    assertFalse(files.isEmpty(), "README.md has java blocks");

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(null, fm, diagnostics, List.of("-d", classes.toString(), "-cp",
          System.getProperty("java.class.path"), "-Xlint:none"), null, fm.getJavaFileObjectsFromPaths(files)).call();
      assertTrue(ok, "README.md's java blocks do not compile:\n" + String.join("\n",
          diagnostics.getDiagnostics().stream().map(Object::toString).toList()));
    }

    Path run = Files.createDirectories(dir.resolve("run"));
    Files.copy(workers.config(), run.resolve("config.yml"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path") + File.pathSeparator + classes, "TaskSquares")
        .directory(run.toFile()).redirectErrorStream(true);
    pb.environment().put("OPT_OUT_TRACKING", "true");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "TaskSquares did not end:\n" + out);
    assertEquals(0, p.exitValue(), out);
    // 7*7, 99*99, doubled per worker, 10+1, the sum of squares to 100 on both workers.
    assertTrue(out.contains("49 9801 [0, 2] 11 [338350, 338350] "), out);
  }

  @Test
  void everyExampleReturnsWhatItShould() throws Exception {
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
