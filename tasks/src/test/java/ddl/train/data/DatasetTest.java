package ddl.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatasetTest {

    private static Dataset counting(int rows, int features) {
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < features; f++) {
                x[r * features + f] = r + f / 100f;
            }
            y[r] = r % 3;
        }
        return new Dataset(x, y, rows, features, 3);
    }

    @Test
    void sliceCopiesTheRequestedRows() {
        Dataset d = counting(10, 4).slice(3, 6);
        assertEquals(3, d.rows());
        assertEquals(3f, d.images()[0]);
        assertEquals(5.03f, d.images()[11]);
        assertArrayEquals(new int[] {0, 1, 2}, d.labels());
    }

    @Test
    void shardsCoverEveryRowOnceWithSizesDifferingByAtMostOne() {
        Dataset all = counting(11, 2);
        int next = 0;
        for (int i = 0; i < 4; i++) {
            Dataset s = all.shard(i, 4);
            assertEquals(i < 3 ? 3 : 2, s.rows());
            for (int r = 0; r < s.rows(); r++) {
                assertEquals(next++, (int) s.images()[r * 2]);
            }
        }
        assertEquals(11, next);
    }

    @Test
    void selectGathersRowsInTheGivenOrder() {
        Dataset d = counting(5, 2).select(new int[] {4, 0, 4});
        assertArrayEquals(new float[] {4f, 4.01f, 0f, 0.01f, 4f, 4.01f}, d.images());
        assertArrayEquals(new int[] {1, 0, 1}, d.labels());
    }

    @Test
    void rejectsMismatchedSizesAndLabelsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[5], new int[2], 2, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[6], new int[] {0, 2}, 2, 3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> counting(3, 1).slice(2, 4));
        assertThrows(IllegalArgumentException.class, () -> counting(3, 1).shard(3, 3));
    }
}
