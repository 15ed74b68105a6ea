package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    private static final int[] MNIST = {28, 28, 1};

    @Test
    void cnnPresetIsTheSeedArchitectureWithItsParametersInOrder() {
        ModelSpec cnn = ModelSpec.parse("cnn", MNIST, 10);
        assertEquals("28x28x1:conv32x3-relu-pool2-conv64x3-relu-flatten-dense64-relu-dense10", cnn.toString());
        assertArrayEquals(new String[] {"conv0.kernel", "conv0.bias", "conv1.kernel", "conv1.bias", "dense0.weight",
            "dense0.bias", "dense1.weight", "dense1.bias"}, cnn.names());
        assertArrayEquals(new int[][] {{3, 3, 1, 32}, {32}, {3, 3, 32, 64}, {64}, {11 * 11 * 64, 64}, {64}, {64, 10},
            {10}}, cnn.shapes());
        assertEquals(515_146, cnn.parameterCount());
        assertEquals(784, cnn.features());
        assertEquals(10, cnn.classes());
        assertArrayEquals(new int[] {13, 13, 32}, cnn.shapeBefore(3));
        assertEquals(ModelSpec.parse("cnn:32,64,64", MNIST, 10), cnn);
    }

    @Test
    void mlpPresetIsTheMlpOfMlpSpecWithTheSameNamesAndInitialWeights() {
        ModelSpec mlp = ModelSpec.parse("mlp", MNIST, 10);
        assertEquals("784:dense256-relu-dense128-relu-dense10", mlp.toString());
        MlpSpec old = MlpSpec.FASHION_MNIST;
        assertEquals(old.toModelSpec(), mlp);
        ModelWeights w = mlp.heInit(3);
        assertArrayEquals(new String[] {MlpSpec.weightName(0), MlpSpec.biasName(0), MlpSpec.weightName(1),
            MlpSpec.biasName(1), MlpSpec.weightName(2), MlpSpec.biasName(2)}, w.names());
        assertEquals(old, MlpSpec.of(w));
        assertEquals(ModelSpec.parse("mlp:64", MNIST, 10), ModelSpec.mlp(784, new int[] {64}, 10));
        assertEquals("784:dense10", ModelSpec.parse("mlp:none", MNIST, 10).toString());
    }

    @Test
    void textFormRoundTripsForEveryLayerKind() {
        String text = "10x9x2:conv3x3-relu-pool2-conv4x2-relu-flatten-dense5-relu-dropout0.25-dense3";
        ModelSpec spec = ModelSpec.parse(text);
        assertEquals(text, spec.toString());
        assertEquals(spec, ModelSpec.parse(spec.toString()));
        assertTrue(spec.hasDropout());
        assertFalse(ModelSpec.parse("cnn", MNIST, 10).hasDropout());
        assertEquals(new LayerSpec.Dropout(0.0001), LayerSpec.parse(new LayerSpec.Dropout(0.0001).token()));
        assertEquals(spec, ModelSpec.parse("conv3x3-relu-pool2-conv4x2-relu-flatten-dense5-relu-dropout0.25-dense3",
                new int[] {10, 9, 2}, 3));
    }

    @Test
    void heInitIsSeededWithZeroBiasesAndStandardDeviationFromFanIn() {
        ModelSpec cnn = ModelSpec.parse("cnn", MNIST, 10);
        ModelWeights a = cnn.heInit(1);
        assertEquals(a, cnn.heInit(1));
        assertNotEquals(a, cnn.heInit(2));
        List<ModelSpec.Parameter> params = cnn.parameters();
        for (int p = 0; p < params.size(); p++) {
            float[] v = a.values()[p];
            double sumSq = 0;
            for (float x : v) {
                sumSq += x * x;
            }
            double std = Math.sqrt(sumSq / v.length);
            if (params.get(p).isBias()) {
                assertEquals(0, std, params.get(p).name());
            } else {
                double expected = Math.sqrt(2.0 / params.get(p).fanIn());
                assertEquals(expected, std, expected * 0.2, params.get(p).name());
            }
        }
        assertEquals(9, params.get(0).fanIn());
        assertEquals(288, params.get(2).fanIn());
    }

    @Test
    void badModelsAreRefusedWithWhatFits() {
        assertMessage("put flatten before it", () -> ModelSpec.parse("conv8x3-relu-dense10", MNIST, 10));
        assertMessage("end the layers with dense10", () -> ModelSpec.parse("conv8x3-flatten-dense7", MNIST, 10));
        assertMessage("unknown layer \"conv8\"", () -> ModelSpec.parse("conv8-flatten-dense10", MNIST, 10));
        assertMessage("needs images", () -> ModelSpec.parse("784:conv8x3-flatten-dense10"));
        assertMessage("at least 30x30", () -> ModelSpec.parse("conv8x30-flatten-dense10", MNIST, 10));
        assertMessage("comma-separated positive integers", () -> ModelSpec.parse("mlp:256,x", MNIST, 10));
        assertMessage("one score per class", () -> ModelSpec.parse("28x28x1:conv8x3"));
        assertMessage("SHAPE:LAYERS", () -> ModelSpec.parse("dense10"));
        assertMessage("dropout rate", () -> new LayerSpec.Dropout(1));
    }

    @Test
    void requireLayoutNamesTheFirstTensorThatDiffers() {
        ModelSpec cnn = ModelSpec.parse("cnn", MNIST, 10);
        cnn.requireLayout(cnn.names(), cnn.shapes());
        int[][] shapes = cnn.shapes();
        shapes[2] = new int[] {3, 3, 32, 65};
        assertMessage("conv1.kernel[3, 3, 32, 64]", () -> cnn.requireLayout(cnn.names(), shapes));
        ModelSpec mlp = ModelSpec.parse("mlp", MNIST, 10);
        assertMessage("has 6 parameter tensors", () -> mlp.requireLayout(cnn.names(), cnn.shapes()));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "\"" + part + "\" not in: " + e.getMessage());
    }
}
