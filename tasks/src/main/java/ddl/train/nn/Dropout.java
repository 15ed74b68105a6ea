package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Inverted dropout while training: each value is kept with probability {@code 1 - rate} and scaled by
 * {@code 1 / (1 - rate)}, or set to zero. The mask comes from TensorFlow's stateless uniform generator seeded with
 * {@code (seed, stream)} (float32 draws whatever the activations' type), so the same seed gives the same mask on
 * any call. The gradient passes through the same
 * mask and scale. At evaluation a model leaves dropout out: it is the identity there.
 */
public final class Dropout implements Layer {

    private final double rate;
    private final long seed;
    private final long stream;
    private NDArray scaledMask;

    /**
     * @param rate the probability of dropping each value, in [0, 1)
     * @param seed seeds the mask; pass a different one for each training step
     * @param stream tells apart several dropout layers of one model under one seed
     */
    public Dropout(double rate, long seed, long stream) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout rate must be in [0, 1); got " + rate);
        }
        this.rate = rate;
        this.seed = seed;
        this.stream = stream;
    }

    @Override
    public NDArray forward(NDArray x) {
        DataType type = x.getDataType();
        NDArray seeds = x.getManager().create(new long[] {seed, stream});
        NDArray uniform = TfOp.of(x.getManager(), "StatelessRandomUniform").input(Ops.shapeOf(x)).input(seeds)
                .attr("dtype", DataType.FLOAT32).build();
        NDArray keep = Ops.cast(Ops.op(uniform, "GreaterEqual").input(x.getManager().create((float) rate)).build(),
                type);
        scaledMask = Ops.mul(keep, Ops.scalar(x.getManager(), 1 / (1 - rate), type));
        return Ops.mul(x, scaledMask);
    }

    @Override
    public NDArray backward(NDArray g) {
        if (scaledMask == null) {
            throw new IllegalStateException("Dropout.backward needs a forward call first");
        }
        return Ops.mul(g, scaledMask);
    }
}
