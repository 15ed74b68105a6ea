package ddl.tasks.train;

import ddl.master.train.Evaluation;
import ddl.master.train.Gradient;
import ddl.master.train.GradientRequest;
import ddl.master.train.LocalStepsRequest;
import ddl.master.train.LocalStepsResult;
import ddl.master.train.MomentumSgd;
import ddl.tasks.data.Dataset;
import ddl.tasks.nn.EvalResult;
import ddl.tasks.nn.MlpCompute;
import ddl.tasks.nn.ModelWeights;
import ddl.tasks.nn.StepResult;
import ddl.tasks.nn.TopK;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One worker's part of data-parallel training, kept in its session: the data it was sent once,
 * the MLP computation on the worker's device, and (for model averaging) its local velocity. All
 * computation runs on one thread of its own, so the engine's per-thread buffers are reused and
 * the compute object is never used by two calls at once.
 */
public final class Replica implements AutoCloseable {
  /** The session key the replica is stored under. */
  public static final String KEY = "ddl.train.replica";

  private final ReplicaSetup setup;
  private final BatchPlan plan;
  private final MlpCompute compute;
  private final ExecutorService thread;
  private final float[] batchImages;
  private final int[] batchLabels;
  private final Map<Integer, Dataset> adopted = new ConcurrentHashMap<>();
  private MomentumSgd local;

  /** Sets up the replica to compute on {@code device} ({@code cpu} or {@code gpu}). */
  public Replica(ReplicaSetup setup, String device) {
    this.setup = setup;
    this.plan = setup.batch() > 0
        ? new BatchPlan(setup.train().rows(), setup.batch(), setup.seed(), setup.worker())
        : null;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "replica-compute");
      t.setDaemon(true);
      return t;
    });
    this.compute = onThread(() -> new MlpCompute(device));
    this.batchImages = new float[Math.max(0, setup.batch()) * setup.train().features()];
    this.batchLabels = new int[Math.max(0, setup.batch())];
  }

  /** What the master learns about this replica. */
  public ReplicaInfo info(String address) {
    return new ReplicaInfo(address, compute.device(), setup.train().rows(), setup.test().rows(),
        plan == null ? 0 : plan.stepsPerEpoch());
  }

  /** The gradient on this worker's batch {@code step} of {@code epoch}. */
  public Gradient gradient(GradientRequest request) {
    return onThread(() -> {
      long start = System.nanoTime();
      StepResult r = step(request.weights(), request.epoch(), request.step());
      return new Gradient(r.gradients().values(), r.loss(), r.correct(), r.rows(), System.nanoTime() - start);
    });
  }

  /** Local momentum-SGD steps from the given weights (model averaging). */
  public LocalStepsResult localSteps(LocalStepsRequest request) {
    return onThread(() -> {
      long start = System.nanoTime();
      float[][] w = copy(request.weights());
      if (request.velocity().length > 0) {
        local = MomentumSgd.resume(request.momentum(), request.velocity());
      } else if (local == null) {
        local = new MomentumSgd(request.momentum(), w);
      }
      double lossSum = 0;
      int correct = 0;
      int rows = 0;
      float[] rates = request.learningRates();
      for (int j = 0; j < rates.length; j++) {
        StepResult r = step(w, request.epoch(), request.firstStep() + j);
        local.step(w, r.gradients().values(), rates[j]);
        lossSum += r.loss();
        correct += r.correct();
        rows += r.rows();
      }
      return new LocalStepsResult(w, lossSum, correct, rows, System.nanoTime() - start);
    });
  }

  /** The local velocity of model averaging, or null before the first local step. */
  public float[][] localVelocity() {
    return onThread(() -> local == null ? null : copy(local.velocity()));
  }

  /** Loss and accuracy of the model on this worker's test slice. */
  public Evaluation evaluate(float[][] weights) {
    return evaluate(weights, setup.test());
  }

  /**
   * Loss and accuracy on another (lost) worker's test slice {@code slice}: {@code rows} the first
   * time, after which this replica keeps them and the master sends null.
   */
  public Evaluation evaluateSlice(int slice, Dataset rows, float[][] weights) {
    if (rows != null) {
      adopted.put(slice, rows);
    }
    Dataset test = adopted.get(slice);
    if (test == null) {
      throw new IllegalStateException("this replica does not hold test slice " + slice
          + "; the master must send its rows with the first request for it");
    }
    return evaluate(weights, test);
  }

  private Evaluation evaluate(float[][] weights, Dataset test) {
    return onThread(() -> {
      long start = System.nanoTime();
      if (test.rows() == 0) {
        return new Evaluation(0, 0, 0, 0);
      }
      EvalResult r = compute.evaluate(model(weights), test.images(), test.labels(), test.rows());
      return new Evaluation(r.lossSum(), r.correct(), r.count(), System.nanoTime() - start);
    });
  }

  /** The {@code k} most probable classes of the first {@code rows} rows of {@code images}. */
  public TopK predict(float[][] weights, float[] images, int rows, int k) {
    return onThread(() -> compute.topK(model(weights), images, rows, k));
  }

  private StepResult step(float[][] weights, int epoch, int step) {
    if (plan == null) {
      throw new IllegalStateException("this replica was set up for evaluation only (batch 0); it cannot train");
    }
    Dataset train = setup.train();
    int features = train.features();
    int[] rows = plan.rows(epoch, step);
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(train.images(), rows[i] * features, batchImages, i * features, features);
      batchLabels[i] = train.labels()[rows[i]];
    }
    return compute.gradient(model(weights), batchImages, batchLabels, rows.length);
  }

  private ModelWeights model(float[][] values) {
    return new ModelWeights(setup.names(), setup.shapes(), values);
  }

  private static float[][] copy(float[][] a) {
    float[][] out = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  private <T> T onThread(Callable<T> work) {
    Future<T> result = thread.submit(work);
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while computing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Frees the engine's resources on the compute thread, after any computation still running, and
   * returns at once: the worker may close session objects on its event loop, which must not wait.
   */
  @Override
  public void close() {
    thread.execute(compute::close);
    thread.shutdown();
  }
}
