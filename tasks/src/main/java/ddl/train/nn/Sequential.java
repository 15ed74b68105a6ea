package ddl.train.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of a {@link ModelSpec} over NDArrays, run in order forward and in reverse backward; no layer needs to
 * know its neighbours, so any composition works without new backward code. Build one per forward/backward pair.
 */
public final class Sequential {

    /** Receives one parameter's gradient tensor during {@link #backward}. */
    @FunctionalInterface
    public interface GradientHandler {
        /** Takes the gradient of parameter {@code index}. */
        void accept(int index, NDArray gradient);
    }

    private final List<Layer> layers;
    private final int[] firstParameter;
    private final int firstTrainable;

    private Sequential(List<Layer> layers, int[] firstParameter, int firstTrainable) {
        this.layers = layers;
        this.firstParameter = firstParameter;
        this.firstTrainable = firstTrainable;
    }

    /**
     * Builds the layers of {@code spec} on its parameter tensors.
     *
     * @param parameters one tensor per parameter, in {@link ModelSpec#parameters()} order and shape
     * @param training true for a forward/backward pair with dropout; false for forward only, dropout left out
     * @param seed seeds the dropout masks of a training pass
     * @param algorithm how to compute convolution and pooling
     */
    public static Sequential build(ModelSpec spec, List<NDArray> parameters, boolean training, long seed,
            ConvAlgorithm algorithm) {
        List<ModelSpec.Parameter> params = spec.parameters();
        if (parameters.size() != params.size()) {
            throw new IllegalArgumentException("model " + spec + " has " + params.size() + " parameters; got "
                    + parameters.size() + " tensors");
        }
        List<LayerSpec> specs = spec.layers();
        int firstTrainable = params.get(0).layer();
        List<Layer> layers = new ArrayList<>();
        int[] firstParameter = new int[specs.size()];
        int p = 0;
        int dropouts = 0;
        int[] shape = spec.inputShape();
        for (int i = 0; i < specs.size(); i++) {
            firstParameter[i] = p;
            boolean inputGradient = training && i > firstTrainable;
            Layer layer = switch (specs.get(i)) {
                case LayerSpec.Dense d -> new Dense(parameters.get(p++), parameters.get(p++), inputGradient);
                case LayerSpec.Conv2D c -> algorithm != ConvAlgorithm.IM2COL
                        ? new Conv2D(parameters.get(p++), parameters.get(p++), inputGradient)
                        : new Im2colConv2D(parameters.get(p++), parameters.get(p++), shape, c.kernel(), c.filters(),
                                inputGradient);
                case LayerSpec.MaxPool2D m -> algorithm != ConvAlgorithm.IM2COL
                        ? new MaxPool2D(m.size(), shape, algorithm == ConvAlgorithm.TF_OPS_MAXPOOLGRAD)
                        : new ReshapeMaxPool2D(m.size(), shape);
                case LayerSpec.Relu r -> new Relu();
                case LayerSpec.Flatten f -> new Flatten(ModelWeights.sizeOf(shape));
                case LayerSpec.Dropout d -> training ? new Dropout(d.rate(), seed, dropouts++) : null;
                case LayerSpec.Custom u -> {
                    int n = u.parameterShapes(shape).size();
                    List<NDArray> own = List.copyOf(parameters.subList(p, p + n));
                    p += n;
                    yield u.build(own, shape.clone(), inputGradient);
                }
            };
            layers.add(layer);
            shape = specs.get(i).outputShape(shape);
        }
        return new Sequential(layers, firstParameter, firstTrainable);
    }

    /** Returns layer {@code i}, or null for a dropout layer left out at evaluation (for per-layer timing). */
    Layer layer(int i) {
        return layers.get(i);
    }

    /** Returns the index of the first layer with parameters: backward stops there. */
    int firstTrainable() {
        return firstTrainable;
    }

    /** Returns the logits for a batch of inputs shaped [rows, ...input shape of the spec]. */
    public NDArray forward(NDArray x) {
        NDArray h = x;
        for (Layer layer : layers) {
            if (layer != null) {
                h = layer.forward(h);
            }
        }
        return h;
    }

    /**
     * Back-propagates the gradient of the loss with respect to the logits of the last {@link #forward}, handing each
     * parameter's gradient to {@code handler} as soon as its layer is done: the last parameter first. Layers before
     * the first one with parameters are skipped.
     */
    public void backward(NDArray logitGradient, GradientHandler handler) {
        NDArray g = logitGradient;
        for (int i = layers.size() - 1; i >= firstTrainable; i--) {
            Layer layer = layers.get(i);
            if (layer == null) {
                continue;
            }
            g = layer.backward(g);
            List<NDArray> gradients = layer.parameterGradients();
            for (int j = gradients.size() - 1; j >= 0; j--) {
                handler.accept(firstParameter[i] + j, gradients.get(j));
            }
        }
    }
}
