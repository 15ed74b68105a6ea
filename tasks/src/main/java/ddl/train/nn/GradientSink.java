package ddl.train.nn;

/**
 * Receives a model's parameter gradients one tensor at a time, as backward produces them: the last parameter
 * first, down to parameter 0. It runs on the computing thread while TensorFlow goes on with the earlier layers, so
 * a sink may start sending a gradient at once; it must not keep the thread long.
 */
@FunctionalInterface
public interface GradientSink {

    /**
     * Takes the gradient of parameter {@code index} (in {@link ModelSpec#parameters()} order), row-major, owned by
     * the sink from now on.
     */
    void accept(int index, float[] gradient);

    /** Returns a sink that stores each gradient at its index of {@code into}. */
    static GradientSink into(float[][] into) {
        return (index, gradient) -> into[index] = gradient;
    }
}
