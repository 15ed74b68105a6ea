package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TensorsTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager(MlpCompute.ENGINE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void roundTripsValuesAndShape() {
        float[] v = {1, -2, 3.5f, 4, 5, 6};
        NDArray a = Tensors.create(manager, v, new int[] {2, 3});
        assertEquals(Tensors.shapeOf(2, 3), a.getShape());
        assertEquals(DataType.FLOAT32, a.getDataType());
        assertArrayEquals(v, Tensors.toFloatArray(a));
    }

    @Test
    void createsFromAnOffsetInsideALargerArray() {
        float[] v = {9, 9, 1, 2, 3, 4, 9};
        assertArrayEquals(new float[] {1, 2, 3, 4}, Tensors.toFloatArray(Tensors.create(manager, v, 2, new int[] {4})));
        assertThrows(IllegalArgumentException.class, () -> Tensors.create(manager, v, 4, new int[] {4}));
    }

    @Test
    void earlierTensorsKeepTheirValuesWhenTheBufferIsReused() {
        float[] first = {1, 2, 3};
        float[] second = {7, 8, 9, 10, 11};
        NDArray a = Tensors.create(manager, first, new int[] {3});
        NDArray b = Tensors.create(manager, second, new int[] {5});
        NDArray c = Tensors.create(manager, new float[Tensors.SCRATCH_LIMIT_BYTES / Float.BYTES + 1],
                new int[] {Tensors.SCRATCH_LIMIT_BYTES / Float.BYTES + 1});
        assertArrayEquals(first, Tensors.toFloatArray(a));
        assertArrayEquals(second, Tensors.toFloatArray(b));
        assertEquals(0f, Tensors.toFloatArray(c)[0]);
    }

    @Test
    void readsOtherTypesAsFloats() {
        NDArray ints = manager.create(new int[] {3, -1});
        assertArrayEquals(new float[] {3, -1}, Tensors.toFloatArray(ints));
    }
}
