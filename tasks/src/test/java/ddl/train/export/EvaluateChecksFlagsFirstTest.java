package ddl.train.export;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.tasks.TaskEvaluate;
import ddl.train.checkpoint.Checkpoint;
import ddl.train.checkpoint.CheckpointFiles;
import ddl.train.data.FashionMnist;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.ModelWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/task evaluate} with images to show that the test set does not have fails on that
 * flag before it connects: no worker answers here, and the message is about {@code --show}.
 */
class EvaluateChecksFlagsFirstTest {
  @Test
  void tooManyImagesToShowIsRefusedBeforeConnecting(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
    ModelWeights w = ModelSpec.parse("784:dense32-relu-dense10").heInit(1);
    Path file = CheckpointFiles.save(dir, new Checkpoint("sync-sgd", w.names(), w.shapes(), w.values(),
        w.zerosLike().values(), 1, List.of(), Map.of("data", "fashion-mnist")));
    // A config whose one worker is on a port nothing listens on: connecting would fail.
    Path config = Files.writeString(dir.resolve("config.yml"),
        "workers: [127.0.0.1:9]\nsecret: 0123456789abcdef0123\ntransport: {connect_timeout_seconds: 1}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskEvaluate.run(new String[] {
        "--config", config.toString(), "--checkpoint", file.toString(), "--test-rows", "100", "--show", "200",
        "--runs", dir.resolve("runs").toString()}));
    assertTrue(e.getMessage().contains("--from + --show <= 100"), e.getMessage());
  }
}
