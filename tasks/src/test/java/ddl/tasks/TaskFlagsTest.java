package ddl.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.train.TrainSettings;
import ddl.train.driver.LearningRate;
import ddl.transport.cli.CommandLines;
import ddl.transport.cli.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The task mains' command lines: every flag README documents still exists with its default, and
 * what a user may type wrong is refused before anything connects, allocates or trains.
 */
class TaskFlagsTest {
  private static String help(Consumer<String[]> task) {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      task.accept(new String[] {"--help"});
    } finally {
      System.setOut(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String refused(Consumer<String[]> task, String... args) {
    return assertThrows(UsageException.class, () -> task.accept(args), String.join(" ", args)).getMessage();
  }

  @Test
  void everyTaskKeepsItsFlags() {
    List<String> common = List.of("--config", "--workers", "--help", "--version");
    List<String> training = List.of("--data", "--hidden", "--epochs", "--batch", "--lr", "--lr-schedule",
        "--warmup", "--momentum", "--seed", "--resume", "--models", "--runs", "--train-rows", "--test-rows",
        "--no-progress", "--data-feed", "--augment", "--prefetch");
    String sync = help(TaskSyncSgd::run);
    String async = help(TaskAsyncSgd::run);
    for (String flag : concat(common, training)) {
      assertTrue(sync.contains(flag), flag + " in\n" + sync);
      assertTrue(async.contains(flag), flag + " in\n" + async);
    }
    assertTrue(sync.contains("--average-every") && async.contains("--staleness"));
    assertTrue(sync.startsWith("Usage: scripts/task sync-sgd"), sync);
    String ping = help(TaskPing::run);
    for (String flag : concat(common, List.of("--seq", "--pipelined", "--window", "--bulk-rounds"))) {
      assertTrue(ping.contains(flag), flag + " in\n" + ping);
    }
    assertTrue(help(TaskRemoteCode::run).contains("--limit=N"));
    String evaluate = help(TaskEvaluate::run);
    for (String flag : concat(common, List.of("--checkpoint", "--models", "--data", "--test-rows", "--show",
        "--from", "--top-k", "--threshold", "--runs"))) {
      assertTrue(evaluate.contains(flag), flag + " in\n" + evaluate);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  @Test
  void trainingDefaultsAreTheDocumentedOnes() {
    TrainSettings s = new TrainSettings();
    assertTrue(CommandLines.parse(s, new String[0]));
    assertEquals("256,128", s.hidden());
    assertEquals(10, s.epochs());
    assertEquals(64, s.batch());
    assertEquals(0.05, s.lr());
    assertEquals(LearningRate.Shape.COSINE, s.schedule());
    assertEquals(0.5, s.warmupEpochs());
    assertEquals(0.9f, s.momentum());
    assertEquals(1, s.seed());
    assertEquals(Path.of("models"), s.models());
    assertEquals(0, s.trainRows());
    assertTrue(s.progress());
    assertTrue(CommandLines.parse(s, new String[] {"--epochs", "3", "--lr-schedule", "constant", "--no-progress",
        "--resume", "--hidden", "none", "--seed", "-7"}));
    assertEquals(3, s.epochs());
    assertEquals(LearningRate.Shape.CONSTANT, s.schedule());
    assertEquals(-7, s.seed());
    assertTrue(s.resume() && !s.progress());
    assertTrue(!s.stream() && s.augment() == ddl.train.feed.Augmentation.NONE);
    assertEquals("preload", s.asText().get("data_feed"));
  }

  @Test
  void dataFeedFlagsAreStrictAndAugmentationNeedsTheStream() {
    TrainSettings s = new TrainSettings();
    assertTrue(CommandLines.parse(s, new String[] {"--data-feed", "stream", "--augment", "shift-rotate", "--prefetch",
        "8"}));
    assertTrue(s.stream());
    assertEquals(8, s.prefetch());
    assertEquals("stream", s.asText().get("data_feed"));
    assertEquals("shift-rotate", s.asText().get("augment"));
    assertTrue(refused(TaskSyncSgd::run, "--data-feed", "streamed").contains("unknown data feed 'streamed'; use"
        + " preload or stream"));
    assertTrue(refused(TaskSyncSgd::run, "--data-feed", "stream", "--augment", "flip").contains("use none|shift-rotate"));
    assertTrue(refused(TaskSyncSgd::run, "--data-feed", "stream", "--prefetch", "0").contains("--prefetch must be >= 1"));
    assertTrue(refused(TaskAsyncSgd::run, "--augment", "shift-rotate").contains("--augment shift-rotate needs"
        + " --data-feed stream"));
    assertTrue(refused(TaskSyncSgd::run, "--prefetch", "2").contains("--prefetch needs --data-feed stream"));
  }

  @Test
  void numbersAreStrictAndAbsurdValuesAreRefusedWithTheRange() {
    assertTrue(refused(TaskSyncSgd::run, "--workers", "4294967298").contains("'4294967298' is not an int"));
    assertTrue(refused(TaskSyncSgd::run, "--workers", "0").contains("--workers must be >= 1"));
    assertTrue(refused(TaskSyncSgd::run, "--train-rows", "-5").contains("--train-rows must be >= 0, not -5"));
    assertTrue(refused(TaskSyncSgd::run, "--lr", "1e308").contains("--lr must be > 0 and <= 10, not 1e308"));
    assertTrue(refused(TaskSyncSgd::run, "--momentum", "1").contains("--momentum must be >= 0 and < 1"));
    assertTrue(refused(TaskSyncSgd::run, "--average-every", "0").contains("--average-every must be >= 1"));
    assertTrue(refused(TaskAsyncSgd::run, "--staleness", "-3").contains("'-3' is negative"));
    assertTrue(refused(TaskAsyncSgd::run, "--epochs", "0").contains("--epochs must be >= 1"));
    assertTrue(refused(TaskEvaluate::run, "--threshold", "2").contains("--threshold must be >= 0 and <= 1"));
    assertTrue(refused(TaskPing::run, "--window", "0").contains("--window must be >= 1"));
    assertTrue(refused(TaskRemoteCode::run, "--limit", "many").contains("not an int"));
  }

  @Test
  void aModelTooBigIsRefusedAtOnceWithTheMemoryItWouldNeed() {
    String wide = refused(TaskSyncSgd::run, "--hidden", "100000,100000");
    assertTrue(wide.contains("10,079,600,010 parameters, 40.3 GB for one copy"), wide);
    String huge = refused(TaskAsyncSgd::run, "--hidden", "3000000");
    assertTrue(huge.contains("2,385,000,010 parameters, 9.5 GB"), huge);
    assertTrue(huge.contains("268,435,456"), "states the maximum: " + huge);
    assertTrue(refused(TaskSyncSgd::run, "--hidden", "256,,128").contains("256,128"));
  }

  @Test
  void theTaskListAndVersionAreThere() {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      TaskMain.main(new String[] {"--version"});
      TaskMain.main(new String[] {"--help"});
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith("DDL "), out);
    assertTrue(out.contains("sync-sgd") && out.contains("Exit codes"), out);
    assertNull(TaskSyncSgd.run(new String[] {"--version"}));
  }
}
