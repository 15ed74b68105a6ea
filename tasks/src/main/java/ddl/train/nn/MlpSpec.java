package ddl.train.nn;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shape of a multi-layer perceptron: dense layers with ReLU between them and softmax cross-entropy on top.
 * The same model as {@link ModelSpec#mlp} ({@link #toModelSpec}), with the same parameter names and initial
 * weights; kept for callers that read an MLP's sizes off its weights.
 *
 * <p>Dense layer {@code i} has a weight tensor {@code dense<i>.weight} of shape [in, out] (inputs multiply it from
 * the left) and a bias tensor {@code dense<i>.bias} of shape [out].
 *
 * @param inputs the number of input features
 * @param hidden the width of each hidden layer, possibly none
 * @param classes the number of output classes
 */
public record MlpSpec(int inputs, int[] hidden, int classes) {

    /**
     * The most parameters a model may have: 2^28, 1 GiB per copy of its float weights. Training keeps several
     * copies (weights, velocity, gradients) on the master and on every worker.
     */
    public static final long MAX_PARAMETERS = 1L << 28;

    /** The default for Fashion-MNIST: 784 inputs, hidden layers of 256 and 128, 10 classes. */
    public static final MlpSpec FASHION_MNIST = new MlpSpec(784, new int[] {256, 128}, 10);

    public MlpSpec {
        hidden = hidden.clone();
        if (inputs <= 0 || classes <= 0 || Arrays.stream(hidden).anyMatch(h -> h <= 0)) {
            throw new IllegalArgumentException("MLP layer sizes must be positive; got inputs=" + inputs + ", hidden="
                    + Arrays.toString(hidden) + ", classes=" + classes);
        }
        long parameters = parameterCount(inputs, hidden, classes);
        if (parameters > MAX_PARAMETERS) {
            StringBuilder widths = new StringBuilder().append(inputs);
            Arrays.stream(hidden).forEach(h -> widths.append('-').append(h));
            throw new IllegalArgumentException(String.format(Locale.ROOT, "an MLP of layer widths %s-%d would have "
                    + "%,d parameters, %.1f GB for one copy of its weights (4 bytes each), and training keeps several "
                    + "copies (weights, velocity, gradients) on the master and on every worker; the most allowed is "
                    + "%,d parameters (%.1f GB a copy): choose smaller hidden layers", widths, classes, parameters,
                    parameters * 4e-9, MAX_PARAMETERS, MAX_PARAMETERS * 4e-9));
        }
    }

    /** Weights and biases of every dense layer, counted in long arithmetic so that no size overflows. */
    private static long parameterCount(int inputs, int[] hidden, int classes) {
        long count = 0;
        int in = inputs;
        for (int i = 0; i <= hidden.length; i++) {
            int out = i < hidden.length ? hidden[i] : classes;
            count += (long) in * out + out;
            in = out;
        }
        return count;
    }

    /**
     * Parses hidden layer widths written as comma-separated integers, such as {@code "256,128"}; an empty string
     * or {@code "none"} means no hidden layer.
     */
    public static MlpSpec parse(int inputs, String hidden, int classes) {
        String text = hidden.strip();
        if (text.isEmpty() || text.equalsIgnoreCase("none")) {
            return new MlpSpec(inputs, new int[0], classes);
        }
        int[] widths;
        try {
            widths = ModelSpec.parseSizes(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Hidden " + e.getMessage() + " (or none)", e);
        }
        return new MlpSpec(inputs, widths, classes);
    }

    /**
     * Reads the spec off a model's tensors, checking that they are the tensors of an MLP in the order
     * {@link #heInit} makes them.
     */
    public static MlpSpec of(ModelWeights w) {
        if (w.size() < 2 || w.size() % 2 != 0) {
            throw new IllegalArgumentException("An MLP has a weight and a bias tensor per layer; got " + w);
        }
        int layers = w.size() / 2;
        int[] widths = new int[layers + 1];
        for (int i = 0; i < layers; i++) {
            int[] ws = w.shapes()[2 * i];
            int[] bs = w.shapes()[2 * i + 1];
            if (!w.names()[2 * i].equals(weightName(i)) || !w.names()[2 * i + 1].equals(biasName(i))
                    || ws.length != 2 || bs.length != 1 || bs[0] != ws[1] || (i > 0 && ws[0] != widths[i])) {
                throw new IllegalArgumentException("Tensors " + 2 * i + " and " + (2 * i + 1) + " are not layer " + i
                        + " of an MLP (" + weightName(i) + " [in, out], " + biasName(i) + " [out]); got " + w);
            }
            widths[i] = ws[0];
            widths[i + 1] = ws[1];
        }
        return new MlpSpec(widths[0], Arrays.copyOfRange(widths, 1, layers), widths[layers]);
    }

    /** Returns the name of dense layer {@code i}'s weight tensor. */
    public static String weightName(int layer) {
        return "dense" + layer + ".weight";
    }

    /** Returns the name of dense layer {@code i}'s bias tensor. */
    public static String biasName(int layer) {
        return "dense" + layer + ".bias";
    }

    /** Returns a copy of the hidden layer widths. */
    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** Returns the same model as a {@link ModelSpec}: input [inputs], dense and ReLU layers, dense classes. */
    public ModelSpec toModelSpec() {
        return ModelSpec.mlp(inputs, hidden, classes);
    }

    /** Returns the number of dense layers. */
    public int layers() {
        return hidden.length + 1;
    }

    /** Returns every layer width from inputs to classes. */
    public int[] widths() {
        int[] w = new int[hidden.length + 2];
        w[0] = inputs;
        System.arraycopy(hidden, 0, w, 1, hidden.length);
        w[w.length - 1] = classes;
        return w;
    }

    /**
     * Returns freshly initialised weights: He-normal weights (standard deviation {@code sqrt(2 / fanIn)}) and zero
     * biases. The same seed gives the same weights.
     */
    public ModelWeights heInit(long seed) {
        return toModelSpec().heInit(seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlpSpec s && inputs == s.inputs && classes == s.classes && Arrays.equals(hidden, s.hidden);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * inputs + Arrays.hashCode(hidden)) + classes;
    }

    /** Returns the widths joined by dashes, such as {@code 784-256-128-10}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int w : widths()) {
            s.append(s.isEmpty() ? "" : "-").append(w);
        }
        return s.toString();
    }
}
