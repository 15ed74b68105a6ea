package ddl.train.driver;

/**
 * The messages between the master's training drivers and the replicas on the workers. Weights stay
 * on the workers: steps carry gradients, means of gradients, or deltas, in the run's
 * {@link WireFormat}.
 */
public final class Steps {
  private Steps() {}

  /**
   * Sync SGD through the master: apply the mean gradient of the previous step ({@code applyFirst}
   * with rate {@code applyRate}, or nothing when null), then compute the gradient of this step.
   * The reply is a {@link GradientReply}.
   */
  public record MasterStep(int epoch, int step, WireFormat.Packed applyFirst, float applyRate) {}

  /**
   * Sync SGD with the ring: commit the pending update if it is step {@code commitStep} (with rate
   * {@code commitRate}; -1 for none), compute this step's gradient and reduce it with the other
   * members of the ring; the mean stays pending on the worker. The reply is a {@link StepStats}.
   */
  public record RingStep(int epoch, int step, long stepId, long commitStep, float commitRate) {}

  /** Applies an update at an epoch's end: a mean gradient (master) or the pending one (ring, when {@code mean} is null and it is step {@code commitStep}). */
  public record Apply(WireFormat.Packed mean, long commitStep, float rate) {}

  /** A replica's gradient and how its batch went. */
  public record GradientReply(WireFormat.Packed values, float loss, int correct, int rows, long computeNanos) {}

  /** How a ring step went on one replica. */
  public record StepStats(float loss, int correct, int rows, long computeNanos, long reduceNanos, long bytesSent) {}

  /** Async SGD: add {@code delta} (or nothing, when null) to the weights, then compute the gradient of this step. */
  public record AsyncStep(int epoch, int step, WireFormat.Packed delta) {}

  /**
   * Model averaging: first move the weights to their last anchor plus {@code meanDelta} (when not
   * null), then take {@code learningRates.length} local momentum-SGD steps from there; the reply is
   * a {@link LocalResult} whose delta is the change those steps made. With the ring the replicas
   * average their deltas themselves and the reply carries no delta.
   */
  public record LocalSteps(int epoch, int firstStep, float[] learningRates, WireFormat.Packed meanDelta,
      boolean ring, long stepId) {}

  /** What a replica's local steps did. */
  public record LocalResult(WireFormat.Packed delta, double lossSum, int correct, int rows, long computeNanos,
      long reduceNanos) {}

  /**
   * Forms a ring: this replica is member {@code rank} of {@code members} (their addresses, in ring
   * order), exchanging through mailbox {@code box}; a piece late by {@code timeoutMillis} breaks it.
   */
  public record JoinRing(long box, int rank, java.util.List<String> members, long timeoutMillis) {}
}
