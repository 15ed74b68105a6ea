package ddl.tasks.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * Times {@link MlpCompute} on random data and prints a table of median milliseconds per call.
 *
 * <p>Usage: {@code MlpBench [--device cpu|gpu] [--hidden 256,128] [--reps N] [--warmup N]}. Run it with the same
 * environment as the tests: {@code TENSORFLOW_LIBRARY_PATH}, {@code OPT_OUT_TRACKING=true} and
 * {@code -Dai.djl.offline=true}.
 */
public final class MlpBench {

    private MlpBench() {}

    /** Runs the benchmark. */
    public static void main(String[] args) {
        String device = "cpu";
        String hidden = "256,128";
        int reps = 30;
        int warmup = 10;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--device" -> device = required(args[i], value);
                case "--hidden" -> hidden = required(args[i], value);
                case "--reps" -> reps = Integer.parseInt(required(args[i], value));
                case "--warmup" -> warmup = Integer.parseInt(required(args[i], value));
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; use --device cpu|gpu, --hidden 256,128, --reps N, --warmup N");
            }
            i++;
        }
        MlpSpec spec = MlpSpec.parse(784, hidden, 10);
        ModelWeights w = spec.heInit(1);
        Random random = new Random(2);
        int evalRows = 10_000;
        float[] images = new float[evalRows * spec.inputs()];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        int[] labels = new int[evalRows];
        for (int i = 0; i < evalRows; i++) {
            labels[i] = random.nextInt(spec.classes());
        }

        try (MlpCompute compute = new MlpCompute(device)) {
            Engine engine = Engine.getEngine(MlpCompute.ENGINE);
            System.out.printf(Locale.ROOT, "MlpBench: model %s (%,d parameters) on %s, %s %s, %d cores, "
                            + "%d warm-up + %d timed calls each%n", spec, w.parameterCount(), compute.device(),
                    engine.getEngineName(), engine.getVersion(), Runtime.getRuntime().availableProcessors(),
                    warmup, reps);
            System.out.printf(Locale.ROOT, "%-28s %7s %10s %9s %9s%n", "operation", "rows", "median ms", "min ms",
                    "max ms");
            for (int batch : new int[] {64, 128}) {
                row("gradient", batch, warmup, reps,
                        () -> compute.gradient(w, images, labels, batch).correct());
            }
            row("evaluate", evalRows, Math.max(2, warmup / 3), Math.max(5, reps / 3),
                    () -> compute.evaluate(w, images, labels, evalRows).correct());
            row("topK k=3", evalRows, Math.max(2, warmup / 3), Math.max(5, reps / 3),
                    () -> compute.topK(w, images, evalRows, 3).rows());
            try (NDManager manager = NDManager.newBaseManager(MlpCompute.ENGINE)) {
                row("model upload (Tensors.create)", 0, warmup, reps, () -> {
                    try (NDManager m = manager.newSubManager()) {
                        int n = 0;
                        for (int t = 0; t < w.size(); t++) {
                            n += (int) Tensors.create(m, w.values()[t], w.shapes()[t]).getShape().size();
                        }
                        return n;
                    }
                });
                List<NDArray> onDevice = new ArrayList<>();
                for (int t = 0; t < w.size(); t++) {
                    onDevice.add(Tensors.create(manager, w.values()[t], w.shapes()[t]));
                }
                row("model read-back (toFloatArray)", 0, warmup, reps, () -> {
                    int n = 0;
                    for (NDArray a : onDevice) {
                        n += Tensors.toFloatArray(a).length;
                    }
                    return n;
                });
            }
        }
    }

    private static void row(String name, int rows, int warmup, int reps, IntSupplier call) {
        int sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += call.getAsInt();
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            sink += call.getAsInt();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        double median = reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2;
        System.out.printf(Locale.ROOT, "%-28s %7s %10.2f %9.2f %9.2f%s%n", name, rows == 0 ? "-" : rows, median,
                ms[0], ms[reps - 1], sink == Integer.MIN_VALUE ? " " : "");
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
