package ddl.train.data;

import java.nio.file.Path;
import java.util.Arrays;

/** Turns a pair of IDX files (images [n, 28, 28], labels [n]) into a {@link Dataset} with pixels scaled to [0, 1]. */
final class ImageFiles {

    /** Pixels per image. */
    static final int FEATURES = 28 * 28;

    private ImageFiles() {}

    /**
     * @param set the data set's name for messages, such as {@code MNIST}
     * @param classes labels must be in [0, classes)
     * @param fix what to do about a file that does not fit, for messages
     */
    static Dataset dataset(String set, Path imageFile, IdxArray images, Path labelFile, IdxArray labels, int classes,
            String fix) {
        if (images.rank() != 3 || images.dim(1) * images.dim(2) != FEATURES) {
            throw new IdxFormatException(set + " image file " + imageFile + " has dimensions "
                    + Arrays.toString(images.dims()) + "; expected [n, 28, 28]. " + fix);
        }
        if (labels.rank() != 1 || labels.dim(0) != images.dim(0)) {
            throw new IdxFormatException(set + " label file " + labelFile + " has dimensions "
                    + Arrays.toString(labels.dims()) + " but " + imageFile + " holds " + images.dim(0)
                    + " images; the two files must come from the same split. " + fix);
        }
        int rows = images.dim(0);
        byte[] pixels = images.data();
        float[] x = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            x[i] = (pixels[i] & 0xFF) / 255f;
        }
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = labels.unsigned(i);
            if (y[i] >= classes) {
                throw new IdxFormatException(set + " label file " + labelFile + " has label " + y[i] + " at row " + i
                        + "; labels must be 0 to " + (classes - 1) + ". " + fix);
            }
        }
        return new Dataset(x, y, rows, FEATURES, classes);
    }
}
