package ddl.train.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A data set of 28x28 grey images as {@code --data} names it: {@code mnist}, {@code fashion-mnist}, either with
 * {@code :DIR} for another folder, or a bare folder, which means Fashion-MNIST there (as before MNIST existed).
 *
 * @param name {@code mnist} or {@code fashion-mnist}
 * @param dir the folder that holds its files
 */
public record ImageData(String name, Path dir) {

    /** The names {@link #parse} knows. */
    public static final List<String> NAMES = List.of("mnist", "fashion-mnist");

    /** The shape of one example: 28x28 pixels, one channel (NHWC without the batch). */
    private static final int[] SHAPE = {28, 28, 1};

    /** A help line for a {@code --data} flag. */
    public static final String HELP = "mnist|fashion-mnist[:DIR] data set (default fashion-mnist; mnist needs "
            + Mnist.FETCH + " once; a bare DIR is a Fashion-MNIST folder)";

    public ImageData {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown data set " + name + "; use one of " + NAMES);
        }
    }

    /** Reads {@code mnist}, {@code fashion-mnist}, {@code mnist:DIR}, {@code fashion-mnist:DIR} or a folder. */
    public static ImageData parse(String text) {
        String t = text.strip();
        for (String name : NAMES) {
            if (t.toLowerCase(Locale.ROOT).equals(name)) {
                return new ImageData(name, defaultDir(name));
            }
            if (t.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
                return new ImageData(name, Path.of(t.substring(name.length() + 1)));
            }
        }
        return new ImageData("fashion-mnist", Path.of(t));
    }

    /** Returns where a data set is installed by default. */
    public static Path defaultDir(String name) {
        return name.equals("mnist") ? Mnist.DEFAULT_DIR : FashionMnist.DEFAULT_DIR;
    }

    /**
     * Loads the training and test sets.
     *
     * @throws DatasetMissingException with a one-line message saying what to run if files are missing or damaged
     */
    public TrainTest load() {
        return name.equals("mnist") ? Mnist.load(dir) : FashionMnist.load(dir);
    }

    /** Returns the shape of one example, [28, 28, 1]. */
    public int[] imageShape() {
        return SHAPE.clone();
    }

    /** Returns the class names, indexed by label. */
    public List<String> classNames() {
        return name.equals("mnist") ? Mnist.CLASS_NAMES : FashionMnist.CLASS_NAMES;
    }

    /** Returns the text {@link #parse} reads back. */
    @Override
    public String toString() {
        return dir.equals(defaultDir(name)) ? name : name + ":" + dir;
    }
}
