package ddl.train.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ModelWeightsTest {

    @Test
    void copySharesNoArrays() {
        ModelWeights w = MlpSpec.parse(3, "2", 2).heInit(5);
        ModelWeights c = w.copy();
        assertEquals(w, c);
        assertNotSame(w.values()[0], c.values()[0]);
        c.values()[0][0] += 1;
        assertTrue(!w.equals(c));
    }

    @Test
    void zerosLikeKeepsLayout() {
        ModelWeights w = MlpSpec.parse(3, "2", 2).heInit(5);
        ModelWeights z = w.zerosLike();
        assertTrue(w.sameLayout(z));
        assertEquals(0f, z.values()[0][0]);
    }

    @Test
    void rejectsValueCountThatDoesNotFitTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelWeights(new String[] {"a"}, new int[][] {{2, 3}}, new float[][] {new float[5]}));
        assertTrue(e.getMessage().contains("a"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ModelWeights(new String[] {"a", "a"},
                new int[][] {{1}, {1}}, new float[][] {new float[1], new float[1]}));
    }

    @Test
    void roundTripsThroughKryoAsPlainArrays() {
        ModelWeights w = MlpSpec.FASHION_MNIST.heInit(3);
        Kryo kryo = new Kryo();
        kryo.register(ModelWeights.class);
        kryo.register(String[].class);
        kryo.register(int[].class);
        kryo.register(int[][].class);
        kryo.register(float[].class);
        kryo.register(float[][].class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Output out = new Output(bytes)) {
            kryo.writeObject(out, w);
        }
        ModelWeights back;
        try (Input in = new Input(bytes.toByteArray())) {
            back = kryo.readObject(in, ModelWeights.class);
        }
        assertEquals(w, back);
    }
}
