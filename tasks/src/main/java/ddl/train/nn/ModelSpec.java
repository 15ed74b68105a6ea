package ddl.train.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A model as data: the shape of one input example and the layers in order, ending in the class scores (logits)
 * that softmax cross-entropy is taken of. It fixes the parameters' names, shapes and order, and their seeded He
 * initialisation, so that master, workers, checkpoints and exports agree on them.
 *
 * <p>Parameters are named per layer kind and index: {@code conv0.kernel} [k, k, in, out], {@code conv0.bias}
 * [out], {@code dense0.weight} [in, out], {@code dense0.bias} [out], in layer order, weight before bias. Images are
 * NHWC: an example of [28, 28, 1] is 784 floats in row-major order.
 *
 * <p>Text form ({@link #toString}, {@link #parse(String)}): the input shape, a colon, the layer tokens joined by
 * dashes, e.g. {@code 28x28x1:conv32x3-relu-pool2-conv64x3-relu-flatten-dense64-relu-dense10} or
 * {@code 784:dense256-relu-dense128-relu-dense10}. On the command line {@link #parse(String, int[], int)} also
 * takes the presets {@code mlp}, {@code mlp:256,128}, {@code cnn} and {@code cnn:32,64,64}.
 *
 * @param inputShape the shape of one input example
 * @param layers the layers, first to last
 */
public record ModelSpec(int[] inputShape, List<LayerSpec> layers) {

    /** The key under which training runs store {@link #toString()} in a checkpoint's settings. */
    public static final String SETTING = "model";

    /** The hidden layer widths of the {@code mlp} preset. */
    public static final int[] MLP_HIDDEN = {256, 128};

    /** The sizes of the {@code cnn} preset: filters of the two convolutions, units of the hidden dense layer. */
    public static final int[] CNN_SIZES = {32, 64, 64};

    /** What {@link #parse(String, int[], int)} accepts, for messages. */
    public static final String FORMS = "mlp, mlp:W,W,.. (hidden widths; mlp:none for softmax regression), cnn, "
            + "cnn:F1,F2,D (conv F1 3x3, pool 2, conv F2 3x3, dense D), or layers such as "
            + "conv32x3-relu-pool2-flatten-dense10 (" + LayerSpec.TOKENS + ")";

    /**
     * A parameter of the model.
     *
     * @param name its name, such as {@code conv0.kernel}
     * @param shape its dimensions
     * @param layer the index of its layer in {@link #layers}
     * @param fanIn the number of inputs each output of its layer sees (for He initialisation)
     */
    public record Parameter(String name, int[] shape, int layer, int fanIn) {

        /** Returns the number of values. */
        public int size() {
            return Math.toIntExact(ModelWeights.sizeOf(shape));
        }

        /** Tells whether this is a bias (initialised to zero) rather than a weight. */
        public boolean isBias() {
            return shape.length == 1;
        }
    }

    public ModelSpec {
        inputShape = inputShape.clone();
        layers = List.copyOf(layers);
        if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("a model's input shape needs positive dimensions; got "
                    + Arrays.toString(inputShape));
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        int[] shape = inputShape;
        boolean parameters = false;
        for (LayerSpec layer : layers) {
            int[] out = layer.outputShape(shape);
            parameters |= !layer.parameterShapes(shape).isEmpty();
            shape = out;
        }
        if (shape.length != 1 || !parameters) {
            throw new IllegalArgumentException("a model must end in one score per class (such as dense10) and have "
                    + "parameters; " + shapeText(inputShape) + ":" + LayerSpec.tokens(layers) + " ends in "
                    + shapeText(shape));
        }
    }

    /** A multi-layer perceptron: dense layers of the given widths with ReLU between them, then dense {@code classes}. */
    public static ModelSpec mlp(int inputs, int[] hidden, int classes) {
        List<LayerSpec> layers = new ArrayList<>();
        for (int h : hidden) {
            layers.add(new LayerSpec.Dense(h));
            layers.add(new LayerSpec.Relu());
        }
        layers.add(new LayerSpec.Dense(classes));
        return new ModelSpec(new int[] {inputs}, layers);
    }

    /**
     * The convolutional network conv F1 3x3, ReLU, 2x2 max-pool, conv F2 3x3, ReLU, flatten, dense D, ReLU,
     * dense {@code classes}; {@code sizes} = {F1, F2, D}, {@link #CNN_SIZES} by default.
     */
    public static ModelSpec cnn(int[] imageShape, int[] sizes, int classes) {
        if (sizes.length != 3) {
            throw new IllegalArgumentException("cnn needs three sizes (filters, filters, units); got "
                    + Arrays.toString(sizes));
        }
        return new ModelSpec(imageShape, List.of(new LayerSpec.Conv2D(sizes[0], 3), new LayerSpec.Relu(),
                new LayerSpec.MaxPool2D(2), new LayerSpec.Conv2D(sizes[1], 3), new LayerSpec.Relu(),
                new LayerSpec.Flatten(), new LayerSpec.Dense(sizes[2]), new LayerSpec.Relu(),
                new LayerSpec.Dense(classes)));
    }

    /** Reads the text form {@code SHAPE:LAYERS} of {@link #toString}, such as {@code 784:dense10}. */
    public static ModelSpec parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a model description needs the form SHAPE:LAYERS, such as "
                    + "28x28x1:conv32x3-relu-flatten-dense10; got \"" + text + "\"");
        }
        return new ModelSpec(parseShape(text.substring(0, colon)), parseLayers(text.substring(colon + 1)));
    }

    /**
     * Reads a model from the command line for examples of shape {@code imageShape} in {@code classes} classes: a
     * preset ({@code mlp}, {@code mlp:256,128}, {@code cnn}, {@code cnn:32,64,64}), layer tokens such as
     * {@code conv32x3-relu-pool2-flatten-dense10}, or the full text form. The model must output
     * {@code classes} scores; the MLP presets flatten the image themselves.
     */
    public static ModelSpec parse(String text, int[] imageShape, int classes) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int features = Math.toIntExact(ModelWeights.sizeOf(imageShape));
        ModelSpec spec;
        if (t.equals("mlp")) {
            spec = mlp(features, MLP_HIDDEN, classes);
        } else if (t.startsWith("mlp:")) {
            String widths = t.substring(4);
            spec = mlp(features, widths.equals("none") ? new int[0] : parseSizes(widths, text), classes);
        } else if (t.equals("cnn")) {
            spec = cnn(imageShape, CNN_SIZES, classes);
        } else if (t.startsWith("cnn:")) {
            spec = cnn(imageShape, parseSizes(t.substring(4), text), classes);
        } else if (t.contains(":")) {
            spec = parse(t);
        } else {
            spec = new ModelSpec(imageShape, parseLayers(t));
        }
        if (spec.features() != features || spec.classes() != classes) {
            throw new IllegalArgumentException("model " + spec + " takes " + spec.features() + " values and gives "
                    + spec.classes() + " class scores, but the data has " + features + " values per example ("
                    + shapeText(imageShape) + ") and " + classes + " classes; end the layers with dense" + classes);
        }
        return spec;
    }

    private static List<LayerSpec> parseLayers(String text) {
        List<LayerSpec> layers = new ArrayList<>();
        for (String token : text.split("-")) {
            try {
                layers.add(LayerSpec.parse(token));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + "; a model is " + FORMS, e);
            }
        }
        return layers;
    }

    /**
     * Reads sizes written as comma-separated positive integers, such as {@code 256,128}.
     *
     * @throws IllegalArgumentException if one is not a positive integer
     */
    static int[] parseSizes(String list) {
        String[] parts = list.split(",");
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                sizes[i] = -1;
            }
            if (sizes[i] <= 0) {
                throw new IllegalArgumentException("layer sizes must be comma-separated positive integers such as "
                        + "256,128; got \"" + list + "\"");
            }
        }
        return sizes;
    }

    private static int[] parseSizes(String list, String whole) {
        try {
            return parseSizes(list);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model \"" + whole + "\": " + e.getMessage() + "; a model is " + FORMS, e);
        }
    }

    private static int[] parseShape(String text) {
        String[] parts = text.strip().split("x");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                shape[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("an input shape is positive integers joined by x, such as 28x28x1 "
                        + "or 784; got \"" + text + "\"", e);
            }
        }
        return shape;
    }

    /** Returns a shape as text, such as {@code 28x28x1}. */
    public static String shapeText(int[] shape) {
        StringBuilder s = new StringBuilder();
        for (int d : shape) {
            s.append(s.isEmpty() ? "" : "x").append(d);
        }
        return s.toString();
    }

    /** Returns a copy of the input shape. */
    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Returns the number of values of one input example. */
    public int features() {
        return Math.toIntExact(ModelWeights.sizeOf(inputShape));
    }

    /** Returns the shape of layer {@code i}'s input example ({@code i == layers().size()}: the model's output). */
    public int[] shapeBefore(int i) {
        int[] shape = inputShape;
        for (int j = 0; j < i; j++) {
            shape = layers.get(j).outputShape(shape);
        }
        return shape.clone();
    }

    /** Returns the number of classes: the size of the output. */
    public int classes() {
        return shapeBefore(layers.size())[0];
    }

    /** Returns the parameters in their fixed order. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        int dense = 0;
        int conv = 0;
        int custom = 0;
        int[] shape = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            List<int[]> shapes = layer.parameterShapes(shape);
            if (layer instanceof LayerSpec.Custom u && !shapes.isEmpty()) {
                List<String> names = u.parameterNames(shapes.size());
                String prefix = "custom" + custom++ + ".";
                for (int j = 0; j < shapes.size(); j++) {
                    int[] s = shapes.get(j);
                    int fanIn = Math.toIntExact(ModelWeights.sizeOf(s) / s[s.length - 1]);
                    out.add(new Parameter(prefix + names.get(j), s, i, fanIn));
                }
            } else if (!shapes.isEmpty()) {
                int[] weight = shapes.get(0);
                int fanIn = Math.toIntExact(ModelWeights.sizeOf(weight) / weight[weight.length - 1]);
                String prefix = layer instanceof LayerSpec.Conv2D ? "conv" + conv++ : "dense" + dense++;
                String weightName = layer instanceof LayerSpec.Conv2D ? ".kernel" : ".weight";
                out.add(new Parameter(prefix + weightName, weight, i, fanIn));
                out.add(new Parameter(prefix + ".bias", shapes.get(1), i, fanIn));
            }
            shape = layer.outputShape(shape);
        }
        return out;
    }

    /** Returns the parameter names in order. */
    public String[] names() {
        return parameters().stream().map(Parameter::name).toArray(String[]::new);
    }

    /** Returns the parameter shapes in order. */
    public int[][] shapes() {
        return parameters().stream().map(Parameter::shape).toArray(int[][]::new);
    }

    /** Returns the total number of parameter values. */
    public long parameterCount() {
        return parameters().stream().mapToLong(Parameter::size).sum();
    }

    /** Tells whether the model has dropout, whose masks need a seed per training step. */
    public boolean hasDropout() {
        return layers.stream().anyMatch(l -> l instanceof LayerSpec.Dropout);
    }

    /**
     * Returns freshly initialised weights: He-normal weights (standard deviation {@code sqrt(2 / fanIn)}), drawn
     * from one {@link Random} with {@code seed} parameter after parameter, and zero biases. The same seed gives the
     * same weights.
     */
    public ModelWeights heInit(long seed) {
        Random random = new Random(seed);
        List<Parameter> parameters = parameters();
        float[][] values = new float[parameters.size()][];
        for (int p = 0; p < values.length; p++) {
            Parameter parameter = parameters.get(p);
            values[p] = new float[parameter.size()];
            if (!parameter.isBias()) {
                double std = Math.sqrt(2.0 / parameter.fanIn());
                for (int j = 0; j < values[p].length; j++) {
                    values[p][j] = (float) (random.nextGaussian() * std);
                }
            }
        }
        return new ModelWeights(names(), shapes(), values);
    }

    /**
     * Checks that tensors with these names and shapes are this model's parameters in order.
     *
     * @throws IllegalArgumentException naming the first tensor that differs
     */
    public void requireLayout(String[] names, int[][] shapes) {
        List<Parameter> parameters = parameters();
        if (names.length != parameters.size() || shapes.length != names.length) {
            throw new IllegalArgumentException("model " + this + " has " + parameters.size() + " parameter tensors "
                    + Arrays.toString(names()) + "; got " + names.length + " " + Arrays.toString(names));
        }
        for (int i = 0; i < names.length; i++) {
            Parameter p = parameters.get(i);
            if (!p.name().equals(names[i]) || !Arrays.equals(p.shape(), shapes[i])) {
                throw new IllegalArgumentException("parameter " + i + " of model " + this + " is " + p.name()
                        + Arrays.toString(p.shape()) + "; got " + names[i] + Arrays.toString(shapes[i]));
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && Arrays.equals(inputShape, m.inputShape) && layers.equals(m.layers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + layers.hashCode();
    }

    /** Returns the text form {@code SHAPE:LAYERS} that {@link #parse(String)} reads. */
    @Override
    public String toString() {
        return shapeText(inputShape) + ":" + LayerSpec.tokens(layers);
    }
}
