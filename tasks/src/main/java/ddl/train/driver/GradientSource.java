package ddl.train.driver;

/**
 * What a replica computes with: the gradient of its batch for a step at given weights, and the
 * loss and accuracy on held-out rows. On a real worker this is the model on DJL's engine over the
 * worker's data shard; in tests, plain Java.
 */
public interface GradientSource {
  /** Receives each tensor's gradient as soon as it is ready (the last layer's first). */
  interface TensorReady {
    TensorReady NONE = (tensor, values) -> { };

    void ready(int tensor, float[] values);
  }

  /**
   * The gradient of the mean loss over this worker's batch {@code step} of {@code epoch} at
   * {@code weights}; {@code ready} hears of each tensor as backward produces it.
   */
  Gradient gradient(float[][] weights, int epoch, int step, TensorReady ready);

  /** Loss and accuracy of {@code weights} on test slice {@code slice} (this worker's own, or one it holds for a lost worker). */
  Evaluation evaluate(float[][] weights, int slice);
}
