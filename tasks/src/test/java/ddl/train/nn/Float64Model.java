package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/** Runs a {@link Sequential} model in double precision, for finite-difference checks of whole networks. */
final class Float64Model {

    private final ModelSpec spec;
    private final NDManager manager;
    private final ConvAlgorithm algorithm;

    Float64Model(ModelSpec spec, NDManager manager, ConvAlgorithm algorithm) {
        this.spec = spec;
        this.manager = manager;
        this.algorithm = algorithm;
    }

    /** The mean softmax cross-entropy over the rows, with the dropout masks of {@code seed} if training. */
    double loss(double[][] weights, double[] images, int[] labels, boolean training, long seed) {
        return run(weights, images, labels, training, seed, null);
    }

    /** The mean loss's gradient for every parameter, from the hand-written backward pass. */
    double[][] gradients(double[][] weights, double[] images, int[] labels, long seed) {
        double[][] out = new double[weights.length][];
        run(weights, images, labels, true, seed, out);
        return out;
    }

    private double run(double[][] weights, double[] images, int[] labels, boolean training, long seed,
            double[][] gradients) {
        int rows = labels.length;
        int classes = spec.classes();
        try (NDManager m = manager.newSubManager()) {
            List<NDArray> params = new ArrayList<>();
            int[][] shapes = spec.shapes();
            for (int i = 0; i < weights.length; i++) {
                params.add(m.create(weights[i], Tensors.shapeOf(shapes[i])));
            }
            int[] input = spec.inputShape();
            int[] shape = new int[input.length + 1];
            shape[0] = rows;
            System.arraycopy(input, 0, shape, 1, input.length);
            double[] oneHot = new double[rows * classes];
            for (int r = 0; r < rows; r++) {
                oneHot[r * classes + labels[r]] = 1;
            }
            Sequential net = Sequential.build(spec, params, training, seed, algorithm);
            SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(rows);
            NDArray loss = ce.forward(net.forward(m.create(images, Tensors.shapeOf(shape))),
                    m.create(oneHot, Tensors.shapeOf(rows, classes)));
            if (gradients != null) {
                net.backward(ce.backward(), (i, g) -> gradients[i] = g.toDoubleArray());
            }
            return loss.toDoubleArray()[0];
        }
    }
}
