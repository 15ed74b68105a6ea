package ddl.train.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * Times {@link ModelCompute} on random data, each convolution algorithm side by side (their calls alternate, so both
 * see the same machine load), and prints median milliseconds per call, then where a training step's time goes,
 * layer by layer.
 *
 * <p>Usage: {@code ModelBench [--model cnn|mlp|SPEC] [--batch 64] [--reps 30] [--warmup 10] [--device cpu|gpu]}.
 * Run it as {@code scripts/bench-model} does, or with the same environment as the tests:
 * {@code TENSORFLOW_LIBRARY_PATH}, {@code OPT_OUT_TRACKING=true} and {@code -Dai.djl.offline=true}.
 *
 * <p>Per-layer times wait for each layer's work before starting the next (by reading one value computed after
 * it; TensorFlow runs queued ops in order), so they add up to more than a pipelined step; the cost of one such wait
 * is printed too.
 */
public final class ModelBench {

    private static final int[] IMAGE = {28, 28, 1};
    private static final int CLASSES = 10;

    private ModelBench() {}

    /** Runs the benchmark. */
    public static void main(String[] args) {
        String model = "cnn";
        String device = "cpu";
        int batch = 64;
        int reps = 30;
        int warmup = 10;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println("Usage: ModelBench [--model cnn|mlp|SPEC] [--batch 64] [--reps 30] [--warmup 10]"
                        + " [--device cpu|gpu]\nTimes forward+backward of a model per batch, both convolution "
                        + "algorithms side by side, and per layer.");
                return;
            }
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--model" -> model = required(args[i], value);
                case "--device" -> device = required(args[i], value);
                case "--batch" -> batch = Integer.parseInt(required(args[i], value));
                case "--reps" -> reps = Integer.parseInt(required(args[i], value));
                case "--warmup" -> warmup = Integer.parseInt(required(args[i], value));
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; use --model cnn|mlp|SPEC, --batch N, --reps N, --warmup N, --device cpu|gpu");
            }
            i++;
        }
        ModelSpec spec = ModelSpec.parse(model, IMAGE, CLASSES);
        float[][] w = spec.heInit(1).values();
        Random random = new Random(2);
        int evalRows = 10_000;
        float[] images = new float[evalRows * spec.features()];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        int[] labels = new int[evalRows];
        for (int i = 0; i < evalRows; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        ConvAlgorithm[] algorithms = ConvAlgorithm.values();
        Map<ConvAlgorithm, ModelCompute> computes = new LinkedHashMap<>();
        for (ConvAlgorithm a : algorithms) {
            computes.put(a, new ModelCompute(spec, device, a));
        }
        try {
            Engine engine = Engine.getEngine(ModelCompute.ENGINE);
            System.out.printf(Locale.ROOT, "ModelBench: model %s (%,d parameters) on %s, %s %s, %d cores, "
                            + "%d warm-up + %d timed calls each, algorithms alternating%n", spec,
                    spec.parameterCount(), computes.get(algorithms[0]).device(), engine.getEngineName(),
                    engine.getVersion(), Runtime.getRuntime().availableProcessors(), warmup, reps);
            System.out.printf(Locale.ROOT, "%-46s %7s %10s %9s %9s%n", "operation", "rows", "median ms", "min ms",
                    "max ms");
            int rows = batch;
            long[] seed = {0};
            sideBySide("gradient (forward+backward)", rows, warmup, reps, computes, c -> {
                float[][] g = new float[w.length][];
                return c.gradient(w, images, labels, rows, seed[0]++, GradientSink.into(g)).rows();
            });
            SinkTiming sink = sinkTiming(computes.get(ConvAlgorithm.DEFAULT), w, images, labels, rows, warmup, reps);
            System.out.printf(Locale.ROOT, "%s, median of %d: first gradient reaches the sink after %.2f ms, the last "
                    + "after %.2f ms, the call returns after %.2f ms%n", ConvAlgorithm.DEFAULT, reps, sink.firstMs(),
                    sink.lastMs(), sink.returnMs());
            sideBySide("evaluate", evalRows, Math.max(1, warmup / 5), Math.max(3, reps / 6), computes,
                    c -> c.evaluate(w, images, labels, evalRows).correct());
            for (ConvAlgorithm a : algorithms) {
                layerProfile(spec, a, w, images, labels, rows, warmup, reps);
            }
        } finally {
            computes.values().forEach(ModelCompute::close);
        }
    }

    private interface Call {
        int run(ModelCompute compute);
    }

    private static void sideBySide(String name, int rows, int warmup, int reps, Map<ConvAlgorithm, ModelCompute> computes,
            Call call) {
        Map<ConvAlgorithm, double[]> times = new LinkedHashMap<>();
        computes.keySet().forEach(a -> times.put(a, new double[reps]));
        int sink = 0;
        for (int i = 0; i < warmup; i++) {
            for (ModelCompute c : computes.values()) {
                sink += call.run(c);
            }
        }
        for (int i = 0; i < reps; i++) {
            for (Map.Entry<ConvAlgorithm, ModelCompute> e : computes.entrySet()) {
                long start = System.nanoTime();
                sink += call.run(e.getValue());
                times.get(e.getKey())[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        for (Map.Entry<ConvAlgorithm, double[]> e : times.entrySet()) {
            print(name + " " + e.getKey(), rows, e.getValue(), sink);
        }
    }

    /**
     * When, in one forward+backward call, the sink gets the first and the last gradient, and when the call returns
     * (medians, milliseconds from the call's start). The gap between first and last is the time during which a
     * gradient already handed out can travel while backward still runs.
     */
    public record SinkTiming(double firstMs, double lastMs, double returnMs) {}

    /** {@link SinkTiming} of {@code spec} at {@code rows} rows per batch, on random data, on the CPU. */
    public static SinkTiming sinkTiming(ModelSpec spec, int rows, int warmup, int reps) {
        Random random = new Random(2);
        float[] images = new float[rows * spec.features()];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(spec.classes());
        }
        try (ModelCompute compute = new ModelCompute(spec, "cpu", ConvAlgorithm.DEFAULT)) {
            return sinkTiming(compute, spec.heInit(1).values(), images, labels, rows, warmup, reps);
        }
    }

    /** Times when the sink gets the first and the last gradient, against when the call returns. */
    public static SinkTiming sinkTiming(ModelCompute compute, float[][] w, float[] images, int[] labels, int rows,
            int warmup, int reps) {
        double[] first = new double[reps];
        double[] last = new double[reps];
        double[] total = new double[reps];
        for (int rep = -warmup; rep < reps; rep++) {
            int r = Math.max(rep, 0);
            long start = System.nanoTime();
            long[] seen = {0, 0};
            compute.gradient(w, images, labels, rows, rep, (index, gradient) -> {
                long now = System.nanoTime();
                seen[0] = seen[0] == 0 ? now : seen[0];
                seen[1] = now;
            });
            total[r] = (System.nanoTime() - start) / 1e6;
            first[r] = (seen[0] - start) / 1e6;
            last[r] = (seen[1] - start) / 1e6;
        }
        return new SinkTiming(median(first), median(last), median(total));
    }

    /** Times each layer's forward and backward on its own, waiting for each. */
    private static void layerProfile(ModelSpec spec, ConvAlgorithm algorithm, float[][] w, float[] images,
            int[] labels, int rows, int warmup, int reps) {
        List<LayerSpec> layers = spec.layers();
        int n = layers.size();
        double[][] forward = new double[n + 1][reps];
        double[][] backward = new double[n + 1][reps];
        double[] upload = new double[reps];
        double[] readBack = new double[reps];
        double[] waits = new double[reps];
        int[][] shapes = spec.shapes();
        try (NDManager base = NDManager.newBaseManager(ModelCompute.ENGINE)) {
            for (int rep = -warmup; rep < reps; rep++) {
                int r = Math.max(rep, 0);
                try (NDManager m = base.newSubManager()) {
                    long t = System.nanoTime();
                    List<NDArray> params = new ArrayList<>();
                    for (int i = 0; i < w.length; i++) {
                        params.add(Tensors.create(m, w[i], shapes[i]));
                    }
                    int[] input = spec.inputShape();
                    int[] shape = new int[input.length + 1];
                    shape[0] = rows;
                    System.arraycopy(input, 0, shape, 1, input.length);
                    NDArray x = Tensors.create(m, images, 0, shape);
                    float[] oneHot = new float[rows * CLASSES];
                    for (int i = 0; i < rows; i++) {
                        oneHot[i * CLASSES + labels[i]] = 1;
                    }
                    NDArray y = Tensors.create(m, oneHot, new int[] {rows, CLASSES});
                    t = lap(t, upload, r, x);
                    t = lap(t, waits, r, x);
                    Sequential net = Sequential.build(spec, params, true, rep, algorithm);
                    NDArray h = x;
                    for (int i = 0; i < n; i++) {
                        Layer layer = net.layer(i);
                        h = layer == null ? h : layer.forward(h);
                        t = lap(t, forward[i], r, h);
                    }
                    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(rows);
                    loss.forward(h, y);
                    NDArray g = loss.backward();
                    t = lap(t, forward[n], r, g);
                    List<NDArray> gradients = new ArrayList<>();
                    for (int i = n - 1; i >= net.firstTrainable(); i--) {
                        Layer layer = net.layer(i);
                        if (layer != null) {
                            g = layer.backward(g);
                            gradients.addAll(layer.parameterGradients());
                        }
                        t = lap(t, backward[i], r, g != null ? g : gradients.get(gradients.size() - 1));
                    }
                    for (NDArray gradient : gradients) {
                        Tensors.toFloatArray(gradient);
                    }
                    lap(t, readBack, r, null);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nwhere a step's time goes, %s, batch %d (each layer waited for; median ms)%n",
                algorithm, rows);
        System.out.printf(Locale.ROOT, "%-26s %10s %10s%n", "layer", "forward", "backward");
        double totalForward = 0;
        double totalBackward = 0;
        for (int i = 0; i <= n; i++) {
            String name = i < n ? layers.get(i).token() : "softmax cross-entropy";
            double f = median(forward[i]);
            double b = i < n ? median(backward[i]) : 0;
            totalForward += f;
            totalBackward += b;
            System.out.printf(Locale.ROOT, "%-26s %10.3f %10s%n", name, f, i < n ? String.format(Locale.ROOT,
                    "%.3f", b) : "(in fwd)");
        }
        System.out.printf(Locale.ROOT, "%-26s %10.3f %10.3f%n", "sum", totalForward, totalBackward);
        System.out.printf(Locale.ROOT, "upload weights + batch %.3f ms, read gradients back %.3f ms, one wait %.3f ms%n",
                median(upload), median(readBack), median(waits));
    }

    /** Waits for {@code x} (unless null), records the time since {@code start}, and returns the time now. */
    private static long lap(long start, double[] into, int rep, NDArray x) {
        if (x != null) {
            long[] zeros = new long[(int) x.getShape().dimension()];
            long[] ones = new long[zeros.length];
            Arrays.fill(ones, 1);
            Tensors.toFloatArray(Ops.slice(x, zeros, ones));
        }
        long now = System.nanoTime();
        into[rep] = (now - start) / 1e6;
        return now;
    }

    private static void print(String name, int rows, double[] ms, int sink) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-46s %7s %10.2f %9.2f %9.2f%s%n", name, rows, median(sorted), sorted[0],
                sorted[sorted.length - 1], sink == Integer.MIN_VALUE ? " " : "");
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
