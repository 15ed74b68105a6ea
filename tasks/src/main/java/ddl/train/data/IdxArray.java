package ddl.train.data;

import java.util.Arrays;

/**
 * The content of an IDX file of unsigned bytes: its dimensions and its values in row-major order.
 *
 * @param dims the size of each dimension, outermost first
 * @param data the values, one unsigned byte each, {@code product(dims)} of them
 */
public record IdxArray(int[] dims, byte[] data) {

    public IdxArray {
        dims = dims.clone();
        long size = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("IDX dimensions must not be negative: " + Arrays.toString(dims));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(
                    "IDX data holds " + data.length + " values but dimensions " + Arrays.toString(dims) + " need " + size);
        }
    }

    /** Returns a copy of the dimensions. */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Returns the number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Returns the size of dimension {@code i}. */
    public int dim(int i) {
        return dims[i];
    }

    /** Returns the value at flat index {@code i} as an int in 0..255. */
    public int unsigned(int i) {
        return data[i] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxArray other && Arrays.equals(dims, other.dims) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IdxArray" + Arrays.toString(dims);
    }
}
