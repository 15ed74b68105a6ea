package ddl.train.nn;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One layer of a {@link ModelSpec}: its kind and sizes, nothing computed. Shapes are per example, without the batch
 * dimension; images are [height, width, channels]. Each layer prints as a short token ({@code conv32x3},
 * {@code pool2}, {@code relu}, {@code flatten}, {@code dense64}, {@code dropout0.5}) that {@link #parse} reads back.
 */
public sealed interface LayerSpec {

    /**
     * Returns the shape of one output example for an input example of shape {@code input}.
     *
     * @throws IllegalArgumentException if the layer cannot take such an input; the message says what fits
     */
    int[] outputShape(int[] input);

    /** Returns the shapes of the layer's parameters for that input, weight first, or none. */
    default List<int[]> parameterShapes(int[] input) {
        return List.of();
    }

    /** Returns the short token of this layer. */
    String token();

    /** A fully connected layer with {@code units} outputs, on flat inputs: weight [in, units], bias [units]. */
    record Dense(int units) implements LayerSpec {
        public Dense {
            positive("dense units", units);
        }

        @Override
        public int[] outputShape(int[] input) {
            if (input.length != 1) {
                throw new IllegalArgumentException("dense" + units + " needs flat inputs but gets "
                        + ModelSpec.shapeText(input) + "; put flatten before it");
            }
            return new int[] {units};
        }

        @Override
        public List<int[]> parameterShapes(int[] input) {
            return List.of(new int[] {input[0], units}, new int[] {units});
        }

        @Override
        public String token() {
            return "dense" + units;
        }
    }

    /**
     * A convolution with {@code filters} kernels of {@code kernel} x {@code kernel}, stride 1, no padding:
     * kernel [k, k, in, filters], bias [filters].
     */
    record Conv2D(int filters, int kernel) implements LayerSpec {
        public Conv2D {
            positive("conv filters", filters);
            positive("conv kernel size", kernel);
        }

        @Override
        public int[] outputShape(int[] input) {
            if (input.length != 3 || input[0] < kernel || input[1] < kernel) {
                throw new IllegalArgumentException(token() + " needs images [height, width, channels] of at least "
                        + kernel + "x" + kernel + " but gets " + ModelSpec.shapeText(input));
            }
            return new int[] {input[0] - kernel + 1, input[1] - kernel + 1, filters};
        }

        @Override
        public List<int[]> parameterShapes(int[] input) {
            return List.of(new int[] {kernel, kernel, input[2], filters}, new int[] {filters});
        }

        @Override
        public String token() {
            return "conv" + filters + "x" + kernel;
        }
    }

    /** Max pooling over {@code size} x {@code size} windows with stride {@code size}. */
    record MaxPool2D(int size) implements LayerSpec {
        public MaxPool2D {
            positive("pool size", size);
        }

        @Override
        public int[] outputShape(int[] input) {
            if (input.length != 3 || input[0] < size || input[1] < size) {
                throw new IllegalArgumentException(token() + " needs images [height, width, channels] of at least "
                        + size + "x" + size + " but gets " + ModelSpec.shapeText(input));
            }
            return new int[] {input[0] / size, input[1] / size, input[2]};
        }

        @Override
        public String token() {
            return "pool" + size;
        }
    }

    /** The rectifier. */
    record Relu() implements LayerSpec {
        @Override
        public int[] outputShape(int[] input) {
            return input.clone();
        }

        @Override
        public String token() {
            return "relu";
        }
    }

    /** Flattens each example to one row, in row-major (height, width, channel) order. */
    record Flatten() implements LayerSpec {
        @Override
        public int[] outputShape(int[] input) {
            return new int[] {Math.toIntExact(ModelWeights.sizeOf(input))};
        }

        @Override
        public String token() {
            return "flatten";
        }
    }

    /** Drops each value with probability {@code rate} while training; the identity at evaluation. */
    record Dropout(double rate) implements LayerSpec {
        public Dropout {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("dropout rate must be in [0, 1); got " + rate);
            }
        }

        @Override
        public int[] outputShape(int[] input) {
            return input.clone();
        }

        @Override
        public String token() {
            return "dropout" + java.math.BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString();
        }
    }

    /**
     * A layer defined outside DDL, in a task's own code, with its own forward and backward pass: the master ships
     * its class to the workers with the model, like every class of a task. It says its shapes ({@link
     * #outputShape}, {@link #parameterShapes}) and builds its computation on a worker ({@link #build}). Its
     * parameters are named {@code customK.NAME} (K counts the custom layers with parameters, NAME comes from
     * {@link #parameterNames}); a one-dimensional parameter starts at zero, any other He-normal with fan-in
     * {@code size / last dimension}. Its {@link #token} appears in the model's text form, which cannot be read
     * back: a checkpoint of such a model is resumed by the task that defines it.
     */
    non-sealed interface Custom extends LayerSpec {

        /**
         * Builds the layer's computation on its parameter tensors.
         *
         * @param parameters one tensor per {@link #parameterShapes} entry, in that order
         * @param inputShape the shape of one input example
         * @param inputGradientNeeded false when nothing uses the input gradient ({@link Layer#backward} may return
         *     null)
         */
        Layer build(List<ai.djl.ndarray.NDArray> parameters, int[] inputShape, boolean inputGradientNeeded);

        /** Names the parameters, in {@link #parameterShapes} order; by default weight, bias, p2, p3, ... */
        default List<String> parameterNames(int count) {
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                names.add(i == 0 ? "weight" : i == 1 ? "bias" : "p" + i);
            }
            return names;
        }
    }

    /** The tokens {@link #parse} accepts, for messages. */
    String TOKENS = "convFxK (F filters of KxK), poolS, relu, flatten, denseN, dropoutP";

    /** Reads a token such as {@code conv32x3}, {@code pool2}, {@code relu}, {@code flatten}, {@code dense10}. */
    static LayerSpec parse(String token) {
        String t = token.strip().toLowerCase(Locale.ROOT);
        Matcher m;
        if (t.equals("relu")) {
            return new Relu();
        }
        if (t.equals("flatten")) {
            return new Flatten();
        }
        if ((m = Pattern.compile("conv(\\d{1,6})x(\\d{1,3})").matcher(t)).matches()) {
            return new Conv2D(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if ((m = Pattern.compile("pool(\\d{1,3})").matcher(t)).matches()) {
            return new MaxPool2D(Integer.parseInt(m.group(1)));
        }
        if ((m = Pattern.compile("dense(\\d{1,7})").matcher(t)).matches()) {
            return new Dense(Integer.parseInt(m.group(1)));
        }
        if ((m = Pattern.compile("dropout(0?\\.\\d+|0)").matcher(t)).matches()) {
            return new Dropout(Double.parseDouble(m.group(1)));
        }
        throw new IllegalArgumentException("unknown layer \"" + token + "\"; layers are " + TOKENS + " (a layer a task"
                + " defines itself, a LayerSpec.Custom, is not read from text: run that task)");
    }

    private static void positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive; got " + value);
        }
    }

    /** Returns the tokens of {@code layers} joined by dashes. */
    static String tokens(List<LayerSpec> layers) {
        return String.join("-", layers.stream().map(LayerSpec::token).toList());
    }
}
