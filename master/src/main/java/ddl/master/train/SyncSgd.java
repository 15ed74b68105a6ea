package ddl.master.train;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Synchronous data-parallel SGD: every step each worker computes a gradient on its own batch at
 * the same weights (sent with the request), the master averages the gradients and takes one
 * momentum-SGD step. All replicas therefore always compute on identical weights.
 */
public final class SyncSgd implements Trainer {
  private final Replicas replicas;
  private final TrainingPlan plan;
  private final float[][] weights;
  private final MomentumSgd optimizer;
  private final float[][] mean;

  /** Trains {@code weights} (changed in place) starting from {@code optimizer}'s velocity. */
  public SyncSgd(Replicas replicas, TrainingPlan plan, float[][] weights, MomentumSgd optimizer) {
    this.replicas = replicas;
    this.plan = plan;
    this.weights = weights;
    this.optimizer = optimizer;
    this.mean = FloatArrays.zerosLike(weights);
  }

  @Override
  public EpochTotals runEpoch(int epoch, StepListener listener) {
    int n = replicas.size();
    long samples = 0;
    long correct = 0;
    double lossSum = 0;
    long compute = 0;
    long communication = 0;
    long master = 0;
    long epochStart = System.nanoTime();
    List<float[][]> parts = new ArrayList<>(n);
    for (int step = 0; step < plan.stepsPerEpoch(); step++) {
      long start = System.nanoTime();
      GradientRequest request = new GradientRequest(weights, epoch, step);
      List<Future<Gradient>> pending = new ArrayList<>(n);
      for (int w = 0; w < n; w++) {
        pending.add(replicas.gradient(w, request));
      }
      Future.all(pending).await();
      long replied = System.nanoTime();
      parts.clear();
      long slowest = 0;
      float stepLoss = 0;
      for (Future<Gradient> f : pending) {
        Gradient g = f.result();
        parts.add(g.values());
        slowest = Math.max(slowest, g.computeNanos());
        samples += g.rows();
        correct += g.correct();
        lossSum += (double) g.loss() * g.rows();
        stepLoss += g.loss() / n;
      }
      FloatArrays.meanInto(parts, mean);
      optimizer.step(weights, mean, plan.learningRate().at(plan.globalStep(epoch, step)));
      long done = System.nanoTime();
      long roundTrip = replied - start;
      compute += Math.min(slowest, roundTrip);
      communication += roundTrip - Math.min(slowest, roundTrip);
      master += done - replied;
      listener.stepDone(epoch, step, stepLoss);
    }
    return new EpochTotals(plan.stepsPerEpoch(), samples, lossSum, correct, System.nanoTime() - epochStart,
        new TimeSplit(compute, communication, master, 0));
  }

  @Override
  public float[][] weights() {
    return weights;
  }

  @Override
  public float[][] velocity() {
    return FloatArrays.copy(optimizer.velocity());
  }

  @Override
  public String describe() {
    return "sync SGD: " + replicas.size() + " workers average their gradients every step";
  }
}
