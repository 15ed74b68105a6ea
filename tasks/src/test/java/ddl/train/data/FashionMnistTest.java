package ddl.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @Test
    void loadsSixtyThousandTrainingAndTenThousandTestImagesOf784Pixels() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR),
                "Fashion-MNIST is not installed at " + FashionMnist.DEFAULT_DIR);
        TrainTest data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        assertEquals(60_000, data.train().rows());
        assertEquals(10_000, data.test().rows());
        assertEquals(784, data.train().features());
        assertEquals(784, data.test().features());
        assertEquals(10, data.train().classes());
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : data.test().images()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        int[] perClass = new int[10];
        for (int y : data.train().labels()) {
            perClass[y]++;
        }
        for (int count : perClass) {
            assertEquals(6000, count, "Fashion-MNIST has 6000 training images per class");
        }
    }

    @Test
    void missingFolderErrorNamesTheFolderAndHowToGetIt(@TempDir Path tmp) {
        Path dir = tmp.resolve("no-such-folder");
        DatasetMissingException e = assertThrows(DatasetMissingException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("--data DIR"), e.getMessage());
    }

    @Test
    void missingFileErrorNamesTheFileAndHowToGetIt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("unrelated.txt"), "x");
        DatasetMissingException e = assertThrows(DatasetMissingException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }
}
