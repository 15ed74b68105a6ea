package ddl.train.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes any {@link ModelSpec}'s gradients, loss and predictions with DJL's TensorFlow engine, on a worker.
 *
 * <p>Weights come in on every call as one {@code float[]} per parameter, in {@link ModelSpec#parameters()} order,
 * row-major. Images are rows of {@link ModelSpec#features()} floats one after another (for images: NHWC, i.e.
 * each 28x28x1 image is its 784 pixels row by row). Each call frees everything it allocated on the device before
 * returning. An instance is not safe for use by several threads at once; close it to free the engine's resources.
 */
public final class ModelCompute implements AutoCloseable {

    /** The engine this class computes with. */
    public static final String ENGINE = "TensorFlow";

    /** Rows per forward pass in {@link #evaluate} and {@link #topK}, to bound device memory. */
    public static final int CHUNK_ROWS = 1000;

    private final ModelSpec spec;
    private final ConvAlgorithm algorithm;
    private final Device device;
    private final NDManager manager;
    private final boolean ownsManager;
    private final int[][] shapes;

    /**
     * @param spec the model
     * @param device {@code cpu}, {@code gpu} or {@code gpuN}; a GPU that is not available falls back to the CPU
     */
    public ModelCompute(ModelSpec spec, String device) {
        this(spec, device, ConvAlgorithm.DEFAULT);
    }

    /** Like {@link #ModelCompute(ModelSpec, String)} with the given way of computing convolution and pooling. */
    public ModelCompute(ModelSpec spec, String device, ConvAlgorithm algorithm) {
        Engine engine = Engine.getEngine(ENGINE);
        this.spec = spec;
        this.algorithm = algorithm;
        this.device = Devices.resolve(device, engine);
        this.manager = engine.newBaseManager(this.device);
        this.ownsManager = true;
        this.shapes = spec.shapes();
    }

    /** A compute object on the device of {@code manager}, which the caller keeps and closes. */
    ModelCompute(ModelSpec spec, NDManager manager) {
        this.spec = spec;
        this.algorithm = ConvAlgorithm.DEFAULT;
        this.device = manager.getDevice();
        this.manager = manager;
        this.ownsManager = false;
        this.shapes = spec.shapes();
    }

    /** Returns the model. */
    public ModelSpec spec() {
        return spec;
    }

    /** Returns the name of the device actually used, such as {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return device.toString();
    }

    /**
     * Like {@link #gradient(float[][], float[], int[], int, long, GradientSink)} for a model without dropout.
     *
     * @throws IllegalStateException if the model has dropout, whose masks need a seed per step
     */
    public BatchStats gradient(float[][] weights, float[] images, int[] labels, int rows, GradientSink sink) {
        if (spec.hasDropout()) {
            throw new IllegalStateException("model " + spec + " has dropout; pass a seed per training step "
                    + "(ModelCompute.stepSeed) to gradient(weights, images, labels, rows, seed, sink)");
        }
        return gradient(weights, images, labels, rows, 0, sink);
    }

    /**
     * Computes the gradient of the mean softmax cross-entropy over a batch and hands each parameter's gradient to
     * {@code sink} as soon as it is read back, last parameter first: the whole backward pass is queued on the
     * engine before the first read, so the sink runs while earlier layers are still being computed.
     *
     * @param weights the model's values, one array per parameter
     * @param images at least {@code rows} rows; the first {@code rows} are used
     * @param labels the class of each row
     * @param rows the number of rows in the batch
     * @param seed seeds the dropout masks (ignored without dropout); the same seed gives the same masks
     * @param sink receives every parameter's gradient, each exactly once, before this method returns
     * @return the batch's mean loss and correct count, before the step
     */
    public BatchStats gradient(float[][] weights, float[] images, int[] labels, int rows, long seed,
            GradientSink sink) {
        checkWeights(weights);
        checkRows(images, labels, rows);
        int classes = spec.classes();
        try (NDManager step = manager.newSubManager()) {
            Sequential net = Sequential.build(spec, upload(step, weights), true, seed, algorithm);
            NDArray x = Tensors.create(step, images, 0, batchShape(rows));
            NDArray y = Tensors.create(step, oneHot(labels, rows, classes), new int[] {rows, classes});
            NDArray logits = net.forward(x);
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(rows);
            loss.forward(logits, y);
            List<NDArray> gradients = new ArrayList<>();
            List<Integer> order = new ArrayList<>();
            net.backward(loss.backward(), (index, gradient) -> {
                order.add(index);
                gradients.add(gradient);
            });
            for (int i = 0; i < order.size(); i++) {
                sink.accept(order.get(i), Tensors.toFloatArray(gradients.get(i)));
            }
            float[] rowLosses = Tensors.toFloatArray(loss.rowLosses());
            float[] scores = Tensors.toFloatArray(logits);
            double lossSum = 0;
            int correct = 0;
            for (int r = 0; r < rows; r++) {
                lossSum += rowLosses[r];
                if (argMax(scores, r * classes, classes) == labels[r]) {
                    correct++;
                }
            }
            return new BatchStats((float) (lossSum / rows), correct, rows);
        }
    }

    /**
     * Sums the softmax cross-entropy and counts correct predictions over {@code rows} rows, in chunks of
     * {@link #CHUNK_ROWS}; dropout is left out.
     */
    public EvalResult evaluate(float[][] weights, float[] images, int[] labels, int rows) {
        checkRows(images, labels, rows);
        int classes = spec.classes();
        double[] lossSum = {0};
        int[] correct = {0};
        forEachChunk(weights, images, rows, "LogSoftmax", (from, n, logp) -> {
            for (int r = 0; r < n; r++) {
                int label = labels[from + r];
                lossSum[0] -= logp[r * classes + label];
                if (argMax(logp, r * classes, classes) == label) {
                    correct[0]++;
                }
            }
        });
        return new EvalResult(lossSum[0], correct[0], rows);
    }

    /** Returns, for each of the first {@code rows} rows, its {@code k} most probable classes and their probabilities. */
    public TopK topK(float[][] weights, float[] images, int rows, int k) {
        checkImages(images, rows);
        int classes = spec.classes();
        if (k < 1 || k > classes) {
            throw new IllegalArgumentException("topK needs 1 <= k <= " + classes + " classes; got k=" + k);
        }
        int[][] top = new int[rows][];
        float[][] probabilities = new float[rows][];
        forEachChunk(weights, images, rows, "Softmax", (from, n, p) -> {
            for (int r = 0; r < n; r++) {
                int[] order = largestFirst(p, r * classes, classes, k);
                float[] probs = new float[k];
                for (int j = 0; j < k; j++) {
                    probs[j] = p[r * classes + order[j]];
                }
                top[from + r] = order;
                probabilities[from + r] = probs;
            }
        });
        return new TopK(top, probabilities);
    }

    /** Receives {@code op} of the logits of rows {@code from} to {@code from + n}, [n, classes] row-major. */
    private interface ChunkResult {
        void accept(int from, int n, float[] values);
    }

    /** Runs the model without dropout over the rows, {@link #CHUNK_ROWS} at a time, and applies {@code op} to the logits. */
    private void forEachChunk(float[][] weights, float[] images, int rows, String op, ChunkResult result) {
        checkWeights(weights);
        try (NDManager pass = manager.newSubManager()) {
            Sequential net = Sequential.build(spec, upload(pass, weights), false, 0, algorithm);
            for (int from = 0; from < rows; from += CHUNK_ROWS) {
                int n = Math.min(CHUNK_ROWS, rows - from);
                float[] values;
                try (NDManager chunk = pass.newSubManager()) {
                    NDArray x = Tensors.create(chunk, images, from * spec.features(), batchShape(n));
                    values = Tensors.toFloatArray(Ops.op(net.forward(x), op).build());
                }
                result.accept(from, n, values);
            }
        }
    }

    /**
     * Returns a seed for the dropout masks of one training step, mixing the run's seed with the step's place so
     * that every (epoch, step, worker) gets its own masks.
     */
    public static long stepSeed(long runSeed, int epoch, int step, int worker) {
        long h = runSeed;
        for (long v : new long[] {epoch, step, worker}) {
            h = mix(h * 0x9E3779B97F4A7C15L + v);
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        if (ownsManager) {
            manager.close();
        }
    }

    private int[] batchShape(int rows) {
        int[] input = spec.inputShape();
        int[] shape = new int[input.length + 1];
        shape[0] = rows;
        System.arraycopy(input, 0, shape, 1, input.length);
        return shape;
    }

    private List<NDArray> upload(NDManager target, float[][] weights) {
        List<NDArray> out = new ArrayList<>(weights.length);
        for (int i = 0; i < weights.length; i++) {
            out.add(Tensors.create(target, weights[i], shapes[i]));
        }
        return out;
    }

    private static float[] oneHot(int[] labels, int rows, int classes) {
        float[] y = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            y[r * classes + labels[r]] = 1f;
        }
        return y;
    }

    private static int argMax(float[] v, int offset, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[offset + j] > v[offset + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Returns the indexes of the k largest of v[offset .. offset+n), largest first, lower index first on ties. */
    private static int[] largestFirst(float[] v, int offset, int n, int k) {
        int[] chosen = new int[k];
        boolean[] taken = new boolean[n];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int c = 0; c < n; c++) {
                if (!taken[c] && (best < 0 || v[offset + c] > v[offset + best])) {
                    best = c;
                }
            }
            taken[best] = true;
            chosen[j] = best;
        }
        return chosen;
    }

    private void checkWeights(float[][] weights) {
        if (weights.length != shapes.length) {
            throw new IllegalArgumentException("model " + spec + " has " + shapes.length + " parameter tensors "
                    + Arrays.toString(spec.names()) + "; got " + weights.length);
        }
        for (int i = 0; i < weights.length; i++) {
            if (weights[i].length != ModelWeights.sizeOf(shapes[i])) {
                throw new IllegalArgumentException("parameter " + spec.names()[i] + " of model " + spec + " has shape "
                        + Arrays.toString(shapes[i]) + " but " + weights[i].length + " values were given");
            }
        }
    }

    private void checkImages(float[] images, int rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("Need at least one row; got rows=" + rows);
        }
        if (images.length < (long) rows * spec.features()) {
            throw new IllegalArgumentException(rows + " rows of " + spec.features() + " features need "
                    + (long) rows * spec.features() + " values but the images array holds " + images.length
                    + "; the model expects " + spec.features() + " inputs per row");
        }
    }

    private void checkRows(float[] images, int[] labels, int rows) {
        checkImages(images, rows);
        if (labels.length < rows) {
            throw new IllegalArgumentException(rows + " rows need " + rows + " labels; got " + labels.length);
        }
        int classes = spec.classes();
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= classes) {
                throw new IllegalArgumentException("Label " + labels[r] + " at row " + r + " is outside [0, "
                        + classes + ") for model " + spec);
            }
        }
    }
}
