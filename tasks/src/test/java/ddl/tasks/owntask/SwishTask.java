package ddl.tasks.owntask;

import ai.djl.ndarray.NDArray;
import ddl.tasks.TaskSyncSgd;
import ddl.train.nn.Layer;
import ddl.train.nn.LayerSpec;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.TfOp;
import java.util.List;

/**
 * A task of one's own, outside DDL's code: sync SGD of a model with a layer DDL does not have,
 * swish with a learned slope per feature, {@code y = x * sigmoid(beta * x)}. The master ships this
 * class to the workers with the model. Run it with
 * {@code scripts/task --class-path tasks/target/test-classes ddl.tasks.owntask.SwishTask --epochs 3}.
 */
public final class SwishTask {
  private SwishTask() {}

  /** The model: flatten, dense 128, swish, dense 64, swish, dense (one score per class). */
  public static ModelSpec model(int[] imageShape, int classes) {
    return new ModelSpec(imageShape, List.of(new LayerSpec.Flatten(), new LayerSpec.Dense(128), new Swish(),
        new LayerSpec.Dense(64), new Swish(), new LayerSpec.Dense(classes)));
  }

  public static void main(String[] args) {
    TaskSyncSgd.run(args, data -> model(data.imageShape(), data.classNames().size()));
  }

  /** Swish with a slope {@code beta} per feature (a parameter; it starts at 0, where swish is x / 2). */
  public record Swish() implements LayerSpec.Custom {
    @Override
    public int[] outputShape(int[] input) {
      if (input.length != 1) {
        throw new IllegalArgumentException("swish takes flat inputs; put flatten before it");
      }
      return input.clone();
    }

    @Override
    public List<int[]> parameterShapes(int[] input) {
      return List.of(new int[] {input[0]});
    }

    @Override
    public List<String> parameterNames(int count) {
      return List.of("beta");
    }

    @Override
    public String token() {
      return "swish";
    }

    @Override
    public Layer build(List<NDArray> parameters, int[] inputShape, boolean inputGradientNeeded) {
      return new SwishLayer(parameters.get(0));
    }
  }

  /**
   * Forward {@code s = sigmoid(beta x)}, {@code y = x s}. Backward, with {@code t = g x s (1 - s)}:
   * {@code dx = g s + t beta}, {@code dbeta = sum over rows of t x}.
   */
  static final class SwishLayer implements Layer {
    private final NDArray beta;
    private NDArray x;
    private NDArray s;
    private NDArray betaGradient;

    SwishLayer(NDArray beta) {
      this.beta = beta;
    }

    @Override
    public NDArray forward(NDArray input) {
      x = input;
      s = op("Sigmoid", op("Mul", x, beta));
      return op("Mul", x, s);
    }

    @Override
    public NDArray backward(NDArray g) {
      NDArray t = TfOp.of(g.getManager(), "SigmoidGrad").input(s).input(op("Mul", g, x)).build();
      betaGradient = TfOp.of(g.getManager(), "Sum").input(op("Mul", t, x)).input(g.getManager().create(new int[] {0}))
          .attr("keep_dims", false).build();
      return op("AddV2", op("Mul", g, s), op("Mul", t, beta));
    }

    @Override
    public List<NDArray> parameterGradients() {
      return List.of(betaGradient);
    }

    private static NDArray op(String name, NDArray a, NDArray b) {
      return TfOp.of(a.getManager(), name).input(a).input(b).build();
    }

    private static NDArray op(String name, NDArray a) {
      return TfOp.of(a.getManager(), name).input(a).build();
    }
  }
}
