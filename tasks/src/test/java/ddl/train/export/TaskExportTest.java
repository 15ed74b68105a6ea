package ddl.train.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import ddl.tasks.TaskExport;
import ddl.train.checkpoint.Checkpoint;
import ddl.train.checkpoint.CheckpointFiles;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.ModelWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskExportTest {

    private static Path save(Path dir, ModelSpec spec, Map<String, String> settings) {
        ModelWeights w = spec.heInit(1);
        return CheckpointFiles.save(dir, new Checkpoint("sync-sgd", w.names(), w.shapes(), w.values(),
                w.zerosLike().values(), 2, List.of(), settings));
    }

    @Test
    void checkpointWithoutAModelSettingIsReadAsTheMlpItsTensorsDescribe(@TempDir Path dir) throws IOException {
        Path file = save(dir, ModelSpec.parse("784:dense32-relu-dense10"), Map.of("hidden", "32"));
        Path out = dir.resolve("out/mlp.npz");
        ModelExport.Written w = TaskExport.export(new String[] {"--checkpoint", file.toString(), "--out",
            out.toString()});
        assertEquals(out, w.npz());
        assertEquals(dir.resolve("out/mlp.json"), w.json());
        assertEquals("784:dense32-relu-dense10", JsonParser.parseString(Files.readString(w.json())).getAsJsonObject()
                .get("model").getAsString());
        try (ZipFile zip = new ZipFile(out.toFile())) {
            assertEquals(List.of("dense0.weight.npy", "dense0.bias.npy", "dense1.weight.npy", "dense1.bias.npy"),
                    zip.stream().map(e -> e.getName()).toList());
        }
    }

    @Test
    void aModelThatDoesNotFitTheCheckpointIsRefused(@TempDir Path dir) {
        Path file = save(dir, ModelSpec.parse("cnn", new int[] {28, 28, 1}, 10), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskExport.export(new String[] {"--checkpoint", file.toString()}));
        assertTrue(e.getMessage().contains("pass --model SPEC"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TaskExport.export(new String[] {"--checkpoint", file.toString(), "--model", "mlp"}));
        assertTrue(e.getMessage().contains("does not hold model 784:dense256"), e.getMessage());
        assertEquals(dir.resolve("sync-sgd-epoch002.npz"),
                TaskExport.export(new String[] {"--checkpoint", file.toString(), "--model", "cnn"}).npz());
    }
}
