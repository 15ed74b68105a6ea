package ddl.train.data;

import java.util.Arrays;

/**
 * A labelled data set held in memory: one row of {@code features} floats per example and one class label per row.
 *
 * <p>The arrays are shared, not copied; treat them as read-only.
 *
 * @param images the rows one after another, {@code rows * features} values (pixels scaled to [0, 1] for images)
 * @param labels the class of each row, each in {@code [0, classes)}
 * @param rows the number of examples
 * @param features the number of values per row
 * @param classes the number of classes
 */
public record Dataset(float[] images, int[] labels, int rows, int features, int classes) {

    public Dataset {
        if (rows < 0 || features <= 0 || classes <= 0) {
            throw new IllegalArgumentException("Dataset needs rows >= 0, features > 0 and classes > 0; got rows="
                    + rows + ", features=" + features + ", classes=" + classes);
        }
        if (images.length != (long) rows * features) {
            throw new IllegalArgumentException("Dataset images hold " + images.length + " values but " + rows
                    + " rows of " + features + " features need " + (long) rows * features);
        }
        if (labels.length != rows) {
            throw new IllegalArgumentException(
                    "Dataset has " + labels.length + " labels for " + rows + " rows; give one label per row");
        }
        for (int i = 0; i < rows; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "Dataset label " + labels[i] + " at row " + i + " is outside [0, " + classes + ")");
            }
        }
    }

    /**
     * Returns rows {@code from} (inclusive) to {@code to} (exclusive) as a new data set with copied arrays.
     */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException(
                    "Dataset slice [" + from + ", " + to + ") is outside its " + rows + " rows");
        }
        return new Dataset(
                Arrays.copyOfRange(images, from * features, to * features),
                Arrays.copyOfRange(labels, from, to),
                to - from, features, classes);
    }

    /**
     * Returns shard {@code index} of {@code count} contiguous, nearly equal parts: the first {@code rows % count}
     * shards have one row more than the others, and together the shards cover every row once.
     */
    public Dataset shard(int index, int count) {
        if (count <= 0 || index < 0 || index >= count) {
            throw new IllegalArgumentException(
                    "Dataset shard index must be in [0, count) with count > 0; got index=" + index + ", count=" + count);
        }
        int[] range = shardRange(rows, index, count);
        return slice(range[0], range[1]);
    }

    /** Rows {@code [from, to)} of shard {@code index} of {@code count} of {@code rows} rows, as {@link #shard} cuts them. */
    public static int[] shardRange(int rows, int index, int count) {
        int base = rows / count;
        int extra = rows % count;
        int from = index * base + Math.min(index, extra);
        return new int[] {from, from + base + (index < extra ? 1 : 0)};
    }

    /** Returns the given rows, in the given order, as a new data set with copied arrays. */
    public Dataset select(int[] rowIndexes) {
        float[] x = new float[rowIndexes.length * features];
        int[] y = new int[rowIndexes.length];
        for (int i = 0; i < rowIndexes.length; i++) {
            int r = rowIndexes[i];
            if (r < 0 || r >= rows) {
                throw new IndexOutOfBoundsException("Dataset row " + r + " is outside its " + rows + " rows");
            }
            System.arraycopy(images, r * features, x, i * features, features);
            y[i] = labels[r];
        }
        return new Dataset(x, y, rowIndexes.length, features, classes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dataset d && rows == d.rows && features == d.features && classes == d.classes
                && Arrays.equals(labels, d.labels) && Arrays.equals(images, d.images);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(labels) + Arrays.hashCode(images)) + rows;
    }

    @Override
    public String toString() {
        return "Dataset[rows=" + rows + ", features=" + features + ", classes=" + classes + "]";
    }
}
