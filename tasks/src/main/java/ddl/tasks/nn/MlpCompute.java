package ddl.tasks.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes an MLP's gradients, loss and predictions with DJL's TensorFlow engine, on a worker.
 *
 * <p>Weights come in as {@link ModelWeights} on every call; images are rows of {@code inputs} floats one after
 * another. Each call frees everything it allocated on the device before returning. An instance is not safe for
 * use by several threads at once; close it to free the engine's resources.
 */
public final class MlpCompute implements AutoCloseable {

    /** The engine this class computes with. */
    public static final String ENGINE = "TensorFlow";

    /** Rows per forward pass in {@link #evaluate} and {@link #topK}, to bound device memory. */
    public static final int CHUNK_ROWS = 1000;

    private static final int CLASS_AXIS = 1;

    private final Device device;
    private final NDManager manager;

    /**
     * @param device {@code cpu}, {@code gpu} or {@code gpuN}; a GPU that is not available falls back to the CPU
     */
    public MlpCompute(String device) {
        Engine engine = Engine.getEngine(ENGINE);
        this.device = Devices.resolve(device, engine);
        this.manager = engine.newBaseManager(this.device);
    }

    /** Returns the name of the device actually used, such as {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return device.toString();
    }

    /**
     * Computes the gradient of the mean softmax cross-entropy over a batch.
     *
     * @param w the model
     * @param images at least {@code batchRows} rows; the first {@code batchRows} are used
     * @param labels the class of each row
     * @param batchRows the number of rows in the batch
     */
    public StepResult gradient(ModelWeights w, float[] images, int[] labels, int batchRows) {
        MlpSpec spec = MlpSpec.of(w);
        checkRows(spec, images, labels, batchRows);
        try (NDManager step = manager.newSubManager()) {
            MlpNetwork net = new MlpNetwork(upload(step, w), true);
            NDArray x = Tensors.create(step, images, 0, new int[] {batchRows, spec.inputs()});
            NDArray xT = Tensors.create(step, transpose(images, batchRows, spec.inputs()),
                    new int[] {spec.inputs(), batchRows});
            NDArray y = Tensors.create(step, oneHot(labels, batchRows, spec.classes()), new int[] {batchRows, spec.classes()});
            NDArray logits = net.forward(x, xT);
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            NDArray meanLoss = loss.forward(logits, y);
            net.backward(loss.backward());
            List<NDArray> grads = net.gradients();
            float[][] values = new float[grads.size()][];
            for (int i = 0; i < values.length; i++) {
                values[i] = Tensors.toFloatArray(grads.get(i));
            }
            int correct = countCorrect(logits.argMax(CLASS_AXIS).toLongArray(), labels, 0);
            float lossValue = Tensors.toFloatArray(meanLoss)[0];
            ModelWeights gradients = new ModelWeights(w.names().clone(), copyShapes(w), values);
            return new StepResult(gradients, lossValue, correct, batchRows);
        }
    }

    /**
     * Sums the softmax cross-entropy and counts correct predictions over {@code rows} rows, in chunks of
     * {@link #CHUNK_ROWS}.
     */
    public EvalResult evaluate(ModelWeights w, float[] images, int[] labels, int rows) {
        MlpSpec spec = MlpSpec.of(w);
        checkRows(spec, images, labels, rows);
        int classes = spec.classes();
        double lossSum = 0;
        int correct = 0;
        try (NDManager eval = manager.newSubManager()) {
            MlpNetwork net = new MlpNetwork(upload(eval, w), false);
            for (int from = 0; from < rows; from += CHUNK_ROWS) {
                int n = Math.min(CHUNK_ROWS, rows - from);
                float[] logp;
                try (NDManager chunk = eval.newSubManager()) {
                    NDArray x = Tensors.create(chunk, images, from * spec.inputs(), new int[] {n, spec.inputs()});
                    logp = Tensors.toFloatArray(net.forward(x).logSoftmax(CLASS_AXIS));
                }
                for (int r = 0; r < n; r++) {
                    int label = labels[from + r];
                    lossSum -= logp[r * classes + label];
                    if (argMax(logp, r * classes, classes) == label) {
                        correct++;
                    }
                }
            }
        }
        return new EvalResult(lossSum, correct, rows);
    }

    /** Returns, for each of the first {@code rows} rows, its {@code k} most probable classes and their probabilities. */
    public TopK topK(ModelWeights w, float[] images, int rows, int k) {
        MlpSpec spec = MlpSpec.of(w);
        checkImages(spec, images, rows);
        int classes = spec.classes();
        if (k < 1 || k > classes) {
            throw new IllegalArgumentException("topK needs 1 <= k <= " + classes + " classes; got k=" + k);
        }
        int[][] top = new int[rows][];
        float[][] probabilities = new float[rows][];
        try (NDManager predict = manager.newSubManager()) {
            MlpNetwork net = new MlpNetwork(upload(predict, w), false);
            for (int from = 0; from < rows; from += CHUNK_ROWS) {
                int n = Math.min(CHUNK_ROWS, rows - from);
                float[] p;
                try (NDManager chunk = predict.newSubManager()) {
                    NDArray x = Tensors.create(chunk, images, from * spec.inputs(), new int[] {n, spec.inputs()});
                    p = Tensors.toFloatArray(net.forward(x).softmax(CLASS_AXIS));
                }
                for (int r = 0; r < n; r++) {
                    int[] order = largestFirst(p, r * classes, classes, k);
                    float[] probs = new float[k];
                    for (int j = 0; j < k; j++) {
                        probs[j] = p[r * classes + order[j]];
                    }
                    top[from + r] = order;
                    probabilities[from + r] = probs;
                }
            }
        }
        return new TopK(top, probabilities);
    }

    @Override
    public void close() {
        manager.close();
    }

    private static List<NDArray> upload(NDManager target, ModelWeights w) {
        List<NDArray> out = new ArrayList<>(w.size());
        for (int i = 0; i < w.size(); i++) {
            out.add(Tensors.create(target, w.values()[i], w.shapes()[i]));
        }
        return out;
    }

    /** Returns the first {@code rows} rows of a row-major [rows, cols] matrix transposed to [cols, rows]. */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int from = r * cols;
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[from + c];
            }
        }
        return t;
    }

    private static float[] oneHot(int[] labels, int rows, int classes) {
        float[] y = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            y[r * classes + labels[r]] = 1f;
        }
        return y;
    }

    private static int countCorrect(long[] predicted, int[] labels, int offset) {
        int correct = 0;
        for (int r = 0; r < predicted.length; r++) {
            if (predicted[r] == labels[offset + r]) {
                correct++;
            }
        }
        return correct;
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

    private static int[][] copyShapes(ModelWeights w) {
        int[][] shapes = new int[w.size()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = w.shapes()[i].clone();
        }
        return shapes;
    }

    private static void checkImages(MlpSpec spec, float[] images, int rows) {
        if (rows <= 0) {
            throw new IllegalArgumentException("Need at least one row; got rows=" + rows);
        }
        if (images.length < (long) rows * spec.inputs()) {
            throw new IllegalArgumentException(rows + " rows of " + spec.inputs() + " features need "
                    + (long) rows * spec.inputs() + " values but the images array holds " + images.length
                    + "; the model expects " + spec.inputs() + " inputs per row");
        }
    }

    private static void checkRows(MlpSpec spec, float[] images, int[] labels, int rows) {
        checkImages(spec, images, rows);
        if (labels.length < rows) {
            throw new IllegalArgumentException(rows + " rows need " + rows + " labels; got " + labels.length);
        }
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= spec.classes()) {
                throw new IllegalArgumentException("Label " + labels[r] + " at row " + r + " is outside [0, "
                        + spec.classes() + ") for model " + spec + " " + Arrays.toString(spec.widths()));
            }
        }
    }
}
