package ddl.train.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads Fashion-MNIST: 60,000 training and 10,000 test images of 28x28 grey pixels in 10 clothing classes.
 *
 * <p>The folder holds the four IDX files under their usual names, gzip-compressed ({@code .gz}) or not. Pixels
 * are scaled from 0..255 to [0, 1].
 */
public final class FashionMnist {

    /** Where the {@code dataset-fashion-mnist} Debian package installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Pixels per image. */
    public static final int FEATURES = ImageFiles.FEATURES;

    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String HOW_TO_GET =
            "install it with `apt-get install dataset-fashion-mnist` or pass `--data DIR` with the folder that holds it";

    private FashionMnist() {}

    /**
     * Loads the training and test sets from {@code dir}.
     *
     * @throws DatasetMissingException if the folder or one of its four files is missing
     * @throws IdxFormatException if a file is not a valid IDX file or the files do not fit together
     */
    public static TrainTest load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetMissingException(
                    "Fashion-MNIST folder " + dir.toAbsolutePath() + " does not exist; " + HOW_TO_GET);
        }
        Dataset train = loadSplit(dir, "train");
        Dataset test = loadSplit(dir, "t10k");
        return new TrainTest(train, test);
    }

    private static Dataset loadSplit(Path dir, String prefix) {
        Path imageFile = find(dir, prefix + "-images-idx3-ubyte");
        Path labelFile = find(dir, prefix + "-labels-idx1-ubyte");
        return ImageFiles.dataset("Fashion-MNIST", imageFile, IdxReader.read(imageFile), labelFile,
                IdxReader.read(labelFile), CLASS_NAMES.size(), "Replace it with the original file.");
    }

    private static Path find(Path dir, String name) {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new DatasetMissingException("Fashion-MNIST folder " + dir.toAbsolutePath() + " has no " + name
                + ".gz (nor " + name + "); " + HOW_TO_GET);
    }
}
