package ddl.train.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Computes an MLP's gradients, loss and predictions with DJL's TensorFlow engine, taking the model as
 * {@link ModelWeights} and reading its layer sizes off them ({@link MlpSpec#of}) on every call.
 *
 * <p>A thin front of {@link ModelCompute} for callers written before models had a {@link ModelSpec}; new code
 * should use {@link ModelCompute} with a spec. An instance is not safe for use by several threads at once; close
 * it to free the engine's resources.
 */
public final class MlpCompute implements AutoCloseable {

    /** The engine this class computes with. */
    public static final String ENGINE = ModelCompute.ENGINE;

    /** Rows per forward pass in {@link #evaluate} and {@link #topK}, to bound device memory. */
    public static final int CHUNK_ROWS = ModelCompute.CHUNK_ROWS;

    private final Device device;
    private final NDManager manager;
    private ModelCompute compute;

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
        float[][] gradients = new float[w.size()][];
        BatchStats stats = compute(w).gradient(w.values(), images, labels, batchRows, GradientSink.into(gradients));
        int[][] shapes = new int[w.size()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = w.shapes()[i].clone();
        }
        return new StepResult(new ModelWeights(w.names().clone(), shapes, gradients), stats.loss(), stats.correct(),
                stats.rows());
    }

    /**
     * Sums the softmax cross-entropy and counts correct predictions over {@code rows} rows, in chunks of
     * {@link #CHUNK_ROWS}.
     */
    public EvalResult evaluate(ModelWeights w, float[] images, int[] labels, int rows) {
        return compute(w).evaluate(w.values(), images, labels, rows);
    }

    /** Returns, for each of the first {@code rows} rows, its {@code k} most probable classes and their probabilities. */
    public TopK topK(ModelWeights w, float[] images, int rows, int k) {
        return compute(w).topK(w.values(), images, rows, k);
    }

    private ModelCompute compute(ModelWeights w) {
        ModelSpec spec = MlpSpec.of(w).toModelSpec();
        if (compute == null || !compute.spec().equals(spec)) {
            compute = new ModelCompute(spec, manager);
        }
        return compute;
    }

    @Override
    public void close() {
        manager.close();
    }
}
