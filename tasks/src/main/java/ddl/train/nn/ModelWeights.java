package ddl.train.nn;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A model's parameters as named float tensors in plain Java arrays, so that they serialise as they are.
 *
 * <p>Tensor {@code i} is called {@code names[i]}, has dimensions {@code shapes[i]} and holds its values in
 * row-major order in {@code values[i]}. The arrays are shared, not copied: use {@link #copy()} before changing
 * values that someone else may hold.
 *
 * @param names one unique name per tensor
 * @param shapes the dimensions of each tensor
 * @param values the values of each tensor, as many as the product of its dimensions
 */
public record ModelWeights(String[] names, int[][] shapes, float[][] values) {

    public ModelWeights {
        if (names.length != shapes.length || names.length != values.length) {
            throw new IllegalArgumentException("ModelWeights needs one name, shape and value array per tensor; got "
                    + names.length + " names, " + shapes.length + " shapes and " + values.length + " value arrays");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null || !seen.add(names[i])) {
                throw new IllegalArgumentException("ModelWeights tensor names must be unique and not null; tensor "
                        + i + " is called " + names[i]);
            }
            long size = sizeOf(shapes[i]);
            if (values[i].length != size) {
                throw new IllegalArgumentException("ModelWeights tensor " + names[i] + " has shape "
                        + Arrays.toString(shapes[i]) + " (" + size + " values) but holds " + values[i].length);
            }
        }
    }

    /** Returns the number of values a tensor of the given dimensions holds. */
    public static long sizeOf(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor dimensions must not be negative: " + Arrays.toString(shape));
            }
            size *= d;
        }
        return size;
    }

    /** Returns the number of tensors. */
    public int size() {
        return names.length;
    }

    /** Returns the total number of values in all tensors. */
    public long parameterCount() {
        long n = 0;
        for (float[] v : values) {
            n += v.length;
        }
        return n;
    }

    /** Returns the position of the named tensor. */
    public int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("ModelWeights has no tensor " + name + "; it has " + Arrays.toString(names));
    }

    /** Returns the values of the named tensor (shared, not copied). */
    public float[] value(String name) {
        return values[indexOf(name)];
    }

    /** Returns the dimensions of the named tensor (shared, not copied). */
    public int[] shape(String name) {
        return shapes[indexOf(name)];
    }

    /** Returns a deep copy whose arrays share nothing with this one. */
    public ModelWeights copy() {
        int[][] s = new int[shapes.length][];
        float[][] v = new float[values.length][];
        for (int i = 0; i < names.length; i++) {
            s[i] = shapes[i].clone();
            v[i] = values[i].clone();
        }
        return new ModelWeights(names.clone(), s, v);
    }

    /** Returns tensors with the same names and shapes as this one, all values zero. */
    public ModelWeights zerosLike() {
        int[][] s = new int[shapes.length][];
        float[][] v = new float[values.length][];
        for (int i = 0; i < names.length; i++) {
            s[i] = shapes[i].clone();
            v[i] = new float[values[i].length];
        }
        return new ModelWeights(names.clone(), s, v);
    }

    /** Tells whether {@code other} has the same tensor names and shapes in the same order. */
    public boolean sameLayout(ModelWeights other) {
        return Arrays.equals(names, other.names) && Arrays.deepEquals(shapes, other.shapes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelWeights w && sameLayout(w) && Arrays.deepEquals(values, w.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(names) + Arrays.deepHashCode(shapes)) + Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ModelWeights[");
        for (int i = 0; i < names.length; i++) {
            s.append(i == 0 ? "" : ", ").append(names[i]).append(Arrays.toString(shapes[i]));
        }
        return s.append(", ").append(parameterCount()).append(" values]").toString();
    }
}
