package ddl.train.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ddl.tasks.TaskExport;
import ddl.train.checkpoint.Checkpoint;
import ddl.train.checkpoint.CheckpointFiles;
import ddl.train.data.Dataset;
import ddl.train.data.Mnist;
import ddl.train.data.TrainTest;
import ddl.train.nn.ModelCompute;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.PlainSgd;
import ddl.train.nn.TopK;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CNN trained briefly on MNIST goes through a checkpoint and {@code scripts/task export} into an .npz and JSON;
 * NumPy alone ({@code scripts/numpy_forward.py}) then predicts 1,000 test digits exactly as ModelCompute does.
 */
class NumpyRoundTripTest {

    private static final int IMAGES = 1000;

    @Test
    void numpyForwardPassOnTheExportGivesDdlsPredictions(@TempDir Path dir) throws Exception {
        String python = Python.withNumpy();
        assumeTrue(python != null, "no python3 with numpy (scripts/test installs Debian's python3-numpy)");
        assumeTrue(Files.isRegularFile(Mnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte")),
                "MNIST is not in " + Mnist.DEFAULT_DIR + " (run scripts/fetch-mnist)");
        TrainTest data = Mnist.load(Mnist.DEFAULT_DIR);
        ModelSpec spec = ModelSpec.parse("conv32x3-relu-pool2-conv64x3-relu-flatten-dense64-relu-dropout0.25-dense10",
                new int[] {28, 28, 1}, 10);
        float[][] w = spec.heInit(5).values();
        Dataset test = data.test().slice(0, IMAGES);
        TopK ddl;
        try (ModelCompute compute = new ModelCompute(spec, "cpu")) {
            PlainSgd.train(compute, w, data.train().slice(0, 2000), 40, 64, 0.05f, 3);
            ddl = compute.topK(w, test.images(), IMAGES, 1);
        }
        float[][] velocity = new float[w.length][];
        for (int i = 0; i < w.length; i++) {
            velocity[i] = new float[w[i].length];
        }
        Path checkpoint = CheckpointFiles.save(dir.resolve("models"), new Checkpoint("sync-sgd", spec.names(),
                spec.shapes(), w, velocity, 1, List.of(), Map.of(ModelSpec.SETTING, spec.toString(), "data", "mnist")));

        ModelExport.Written written = TaskExport.export(new String[] {"--models", dir.resolve("models").toString(),
            "--format", "npz"});
        assertEquals(dir.resolve("models/sync-sgd-epoch001.npz"), written.npz());
        JsonObject json = JsonParser.parseString(Files.readString(written.json())).getAsJsonObject();
        assertEquals(spec.toString(), json.get("model").getAsString());
        assertEquals("[kh, kw, in, out]", json.getAsJsonArray("parameters").get(0).getAsJsonObject()
                .get("layout").getAsString());
        assertEquals("7", json.getAsJsonArray("class_names").get(7).getAsString());
        assertEquals(checkpoint.toString(), json.get("checkpoint").getAsString());

        Path images = dir.resolve("images.npy");
        try (OutputStream out = Files.newOutputStream(images)) {
            Npy.write(out, test.images(), new int[] {IMAGES, 28, 28, 1});
        }
        Path script = Path.of("..", "scripts", "numpy_forward.py").toAbsolutePath().normalize();
        String[] lines = Python.run(python, script.toString(), written.json().toString(), images.toString()).strip()
                .split("\n");
        assertEquals(IMAGES, lines.length);
        int correct = 0;
        for (int i = 0; i < IMAGES; i++) {
            String[] parts = lines[i].strip().split(" ");
            assertEquals(ddl.classes()[i][0], Integer.parseInt(parts[0]), "prediction for test image " + i);
            assertEquals(ddl.probabilities()[i][0], Double.parseDouble(parts[1]), 1e-4, "probability of image " + i);
            correct += ddl.classes()[i][0] == test.labels()[i] ? 1 : 0;
        }
        assertTrue(correct > 600, "the model is trained enough for its predictions to mean something: " + correct
                + " of " + IMAGES + " correct");
    }
}
