package ddl.tasks.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/** The layers of an MLP over NDArrays: Dense, then ReLU and Dense for each further layer, ending in logits. */
final class MlpNetwork {

    private final List<Dense> dense = new ArrayList<>();
    private final List<Relu> relus = new ArrayList<>();

    /**
     * @param parameters the weight and bias of each layer in turn, in the order of {@link MlpSpec#heInit}
     * @param withGradients false when only forward passes will run
     */
    MlpNetwork(List<NDArray> parameters, boolean withGradients) {
        for (int i = 0; i + 1 < parameters.size(); i += 2) {
            boolean first = i == 0;
            dense.add(new Dense(parameters.get(i), parameters.get(i + 1), withGradients && !first));
            if (!first) {
                relus.add(new Relu());
            }
        }
    }

    /** Returns the logits for a [rows, inputs] batch. */
    NDArray forward(NDArray x) {
        return forward(x, null);
    }

    /** Returns the logits for a [rows, inputs] batch whose transpose, if not null, is {@code xTransposed}. */
    NDArray forward(NDArray x, NDArray xTransposed) {
        NDArray h = dense.get(0).forward(x, xTransposed);
        for (int i = 1; i < dense.size(); i++) {
            h = dense.get(i).forward(relus.get(i - 1).forward(h));
        }
        return h;
    }

    /** Back-propagates the gradient of the loss with respect to the logits of the last {@link #forward}. */
    void backward(NDArray logitGradient) {
        NDArray g = logitGradient;
        for (int i = dense.size() - 1; i >= 0; i--) {
            g = dense.get(i).backward(g);
            if (i > 0) {
                g = relus.get(i - 1).backward(g);
            }
        }
    }

    /** Returns the parameter gradients after {@link #backward}, in the order of the parameters. */
    List<NDArray> gradients() {
        List<NDArray> out = new ArrayList<>();
        for (Dense d : dense) {
            out.add(d.weightGradient());
            out.add(d.biasGradient());
        }
        return out;
    }
}
