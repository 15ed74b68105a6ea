package ddl.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

    /** Whether {@code scripts/fetch-mnist} has run on this machine. */
    static boolean installed() {
        return Files.isRegularFile(Mnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte"));
    }

    static final String NOT_INSTALLED = "MNIST is not in " + Mnist.DEFAULT_DIR + " (run scripts/fetch-mnist)";

    @Test
    void loadsSixtyThousandTrainingAndTenThousandTestDigits() {
        assumeTrue(installed(), NOT_INSTALLED);
        TrainTest data = Mnist.load(Mnist.DEFAULT_DIR);
        assertEquals(60_000, data.train().rows());
        assertEquals(10_000, data.test().rows());
        assertEquals(784, data.train().features());
        assertEquals(10, data.test().classes());
        assertEquals(5, data.train().labels()[0], "the first training digit is a 5");
        assertEquals(7, data.test().labels()[0], "the first test digit is a 7");
        int[] perClass = new int[10];
        for (int y : data.test().labels()) {
            perClass[y]++;
        }
        assertEquals(980, perClass[0]);
        assertEquals(1135, perClass[1]);
        float max = 0;
        for (float v : data.test().images()) {
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
    }

    @Test
    void missingFolderGivesOneLineNamingTheFileAndTheCommand(@TempDir Path tmp) {
        Path dir = tmp.resolve("no-mnist-here");
        DatasetMissingException e = assertThrows(DatasetMissingException.class, () -> Mnist.load(dir));
        assertOneLine(e, dir.resolve("train-images-idx3-ubyte"), "is missing", "scripts/fetch-mnist " + dir);
    }

    @Test
    void filesThatAreNotMnistAreCorrupt(@TempDir Path dir) throws IOException {
        for (String name : Mnist.checksums().keySet()) {
            Files.writeString(dir.resolve(name), "stand-in");
        }
        DatasetMissingException e = assertThrows(DatasetMissingException.class, () -> Mnist.load(dir));
        assertOneLine(e, dir.resolve("train-images-idx3-ubyte"), "is corrupt", "scripts/fetch-mnist " + dir);
    }

    @Test
    void missingOrCorruptFileGivesOneLineNamingTheFileAndTheCommand(@TempDir Path dir) throws IOException {
        assumeTrue(installed(), NOT_INSTALLED);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        for (String name : Mnist.checksums().keySet()) {
            if (!dir.resolve(name).equals(labels)) {
                Files.createSymbolicLink(dir.resolve(name), Mnist.DEFAULT_DIR.resolve(name).toAbsolutePath());
            }
        }
        DatasetMissingException e = assertThrows(DatasetMissingException.class, () -> Mnist.load(dir));
        assertOneLine(e, labels, "is missing", "scripts/fetch-mnist " + dir);

        byte[] bytes = Files.readAllBytes(Mnist.DEFAULT_DIR.resolve(labels.getFileName()));
        bytes[100] ^= 1;
        Files.write(labels, bytes);
        e = assertThrows(DatasetMissingException.class, () -> Mnist.load(dir));
        assertOneLine(e, labels, "is corrupt", "scripts/fetch-mnist " + dir);

        Files.write(labels, java.util.Arrays.copyOf(bytes, 5000));
        e = assertThrows(DatasetMissingException.class, () -> Mnist.load(dir));
        assertOneLine(e, labels, "is corrupt", "scripts/fetch-mnist " + dir);

        Files.write(labels, bytes, java.nio.file.StandardOpenOption.APPEND);
        e = assertThrows(DatasetMissingException.class, () -> Mnist.load(dir));
        assertOneLine(e, labels, "is corrupt", "scripts/fetch-mnist " + dir);
    }

    @Test
    void theDefaultFolderIsNamedByTheCommandAlone() {
        assertEquals("scripts/fetch-mnist", Mnist.fetchCommand(Mnist.DEFAULT_DIR));
    }

    @Test
    void pinnedChecksumsCoverTheFourFiles() {
        assertEquals(java.util.List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"), java.util.List.copyOf(Mnist.checksums().keySet()));
        Mnist.checksums().values().forEach(v -> assertTrue(v.matches("[0-9a-f]{64}"), v));
    }

    private static void assertOneLine(Exception e, Path file, String what, String command) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.contains(file.toAbsolutePath() + " " + what), m);
        assertTrue(m.contains("run " + command), m);
    }
}
