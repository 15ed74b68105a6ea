package ddl.train.nn;

/**
 * The most probable classes of each row, most probable first.
 *
 * @param classes for each row, the indexes of its {@code k} most probable classes
 * @param probabilities for each row, the softmax probability of each of those classes
 */
public record TopK(int[][] classes, float[][] probabilities) {

    /** Returns the number of rows. */
    public int rows() {
        return classes.length;
    }
}
