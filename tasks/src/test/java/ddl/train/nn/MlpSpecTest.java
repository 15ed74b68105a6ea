package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MlpSpecTest {

    @Test
    void parsesCommaSeparatedHiddenWidths() {
        MlpSpec spec = MlpSpec.parse(784, " 256, 128 ", 10);
        assertEquals(MlpSpec.FASHION_MNIST, spec);
        assertArrayEquals(new int[] {784, 256, 128, 10}, spec.widths());
        assertEquals("784-256-128-10", spec.toString());
        assertEquals(3, spec.layers());
    }

    @Test
    void parsesNoHiddenLayerAsLogisticRegression() {
        assertEquals(1, MlpSpec.parse(4, "none", 2).layers());
        assertEquals(1, MlpSpec.parse(4, "", 2).layers());
    }

    @Test
    void rejectsMalformedWidthsWithAnExample() {
        for (String bad : new String[] {"256,,128", "abc", "0", "-5", "256;128"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> MlpSpec.parse(784, bad, 10), bad);
            assertTrue(e.getMessage().contains("256,128"), e.getMessage());
        }
    }

    @Test
    void sizesAreCountedInLongsAndCappedBeforeAnythingIsAllocated() {
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> MlpSpec.parse(784, "100000,100000", 10));
        assertTrue(wide.getMessage().contains("784-100000-100000-10") && wide.getMessage().contains("40.3 GB"),
                wide.getMessage());
        IllegalArgumentException tall = assertThrows(IllegalArgumentException.class,
                () -> new MlpSpec(784, new int[] {3_000_000}, 10));
        assertTrue(tall.getMessage().contains("2,385,000,010 parameters"), tall.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MlpSpec.parse(784, "99999999999", 10));
        assertEquals(1, MlpSpec.parse(100, "1000,1000", 10).hidden()[0] / 1000);
    }

    @Test
    void heInitGivesNamedTensorsZeroBiasesAndHeScaledWeights() {
        ModelWeights w = MlpSpec.FASHION_MNIST.heInit(42);
        assertArrayEquals(new String[] {"dense0.weight", "dense0.bias", "dense1.weight", "dense1.bias",
                "dense2.weight", "dense2.bias"}, w.names());
        assertArrayEquals(new int[] {784, 256}, w.shape("dense0.weight"));
        assertArrayEquals(new int[] {10}, w.shape("dense2.bias"));
        assertEquals(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10, w.parameterCount());
        for (float b : w.value("dense1.bias")) {
            assertEquals(0f, b);
        }
        float[] first = w.value("dense0.weight");
        double sum = 0;
        double squares = 0;
        for (float v : first) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / first.length;
        double std = Math.sqrt(squares / first.length - mean * mean);
        assertEquals(0, mean, 0.002);
        assertEquals(Math.sqrt(2.0 / 784), std, 0.002);
    }

    @Test
    void heInitIsDeterministicPerSeed() {
        assertEquals(MlpSpec.FASHION_MNIST.heInit(1), MlpSpec.FASHION_MNIST.heInit(1));
        assertNotEquals(MlpSpec.FASHION_MNIST.heInit(1), MlpSpec.FASHION_MNIST.heInit(2));
    }

    @Test
    void specIsReadBackFromWeights() {
        MlpSpec spec = MlpSpec.parse(12, "7", 3);
        assertEquals(spec, MlpSpec.of(spec.heInit(0)));
    }

    @Test
    void weightsThatAreNotAnMlpAreRejected() {
        ModelWeights w = new ModelWeights(new String[] {"dense0.weight", "dense0.bias"},
                new int[][] {{3, 2}, {3}}, new float[][] {new float[6], new float[3]});
        assertThrows(IllegalArgumentException.class, () -> MlpSpec.of(w));
    }
}
