package ddl.train.replica;

import ddl.train.data.Dataset;
import ddl.train.driver.Evaluation;
import ddl.train.driver.Gradient;
import ddl.train.driver.GradientSource;
import ddl.train.driver.ReplicaModel;
import ddl.train.feed.Batch;
import ddl.train.feed.BatchPlan;
import ddl.train.feed.BatchSource;
import ddl.train.feed.Credit;
import ddl.train.feed.PreloadedBatches;
import ddl.train.feed.Push;
import ddl.train.feed.StreamedBatches;
import ddl.train.feed.Streaming;
import ddl.train.nn.BatchStats;
import ddl.train.nn.EvalResult;
import ddl.train.nn.ModelCompute;
import ddl.train.nn.TopK;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One worker's part of data-parallel training, kept in its session: its batches (from the shard it
 * was sent once, or streamed by the master's feed, see {@link BatchSource}), its test slice,
 * the model's computation on the worker's device, and its {@link ReplicaModel} (its copy of the
 * weights and optimizer state, which the drivers' steps change). All computation runs on one
 * thread of its own, so the engine's per-thread buffers are reused and the compute object is
 * never used by two calls at once.
 */
public final class Replica implements GradientSource, AutoCloseable {
  /** The session key the replica is stored under. */
  public static final String KEY = "ddl.train.replica";

  private final ReplicaSetup setup;
  /**
   * This worker's share of the training rows and where its batches come from; replaced at an epoch
   * start when the master shares the rows out again (a streamed replica keeps its stream).
   */
  private volatile Share share;
  private final ModelCompute compute;
  private final ExecutorService thread;
  private final Map<Integer, Dataset> adopted = new ConcurrentHashMap<>();
  private final ReplicaModel model;

  /** Sets up the replica to compute on {@code device} ({@code cpu} or {@code gpu}). */
  public Replica(ReplicaSetup setup, String device) {
    this.setup = setup;
    this.share = setup.streaming() != null && setup.batch() > 0 ? streamed(setup.streaming()) : share(setup.train());
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "replica-compute");
      t.setDaemon(true);
      return t;
    });
    this.compute = onThread(() -> new ModelCompute(setup.spec(), device));
    this.model = new ReplicaModel(this, setup.start(), setup.momentum(), setup.format());
  }

  /** This worker's replica of the model. */
  public ReplicaModel model() {
    return model;
  }

  /** What the master learns about this replica. */
  public ReplicaInfo info(String address) {
    Share s = share;
    return new ReplicaInfo(address, compute.device(), s.rows(), setup.test().rows(), s.stepsPerEpoch());
  }

  /**
   * Trains on {@code rows} from the next step on (the master shares the training rows out again
   * at an epoch start when workers were lost or joined); returns the steps per epoch they give.
   */
  public int shareRows(Dataset rows) {
    if (share.batches() instanceof StreamedBatches) {
      throw new IllegalStateException("this replica's batches are streamed (--data-feed stream); the master's feed"
          + " sends its new share's batches, not its rows");
    }
    Share s = share(rows);
    share = s;
    return s.stepsPerEpoch();
  }

  private Share share(Dataset rows) {
    if (setup.batch() <= 0 || rows.rows() == 0) {
      return new Share(rows.rows(), 0, null);
    }
    BatchPlan plan = new BatchPlan(rows.rows(), setup.batch(), setup.seed(), setup.worker());
    return new Share(rows.rows(), plan.stepsPerEpoch(), new PreloadedBatches(rows, plan, setup.batch()));
  }

  private Share streamed(Streaming streaming) {
    return new Share(streaming.shardRows(), BatchPlan.stepsPerEpoch(streaming.shardRows(), setup.batch()),
        streaming.buffer());
  }

  /** How many training rows the replica trains on, its steps per epoch, and where its batches come from (or null). */
  private record Share(int rows, int stepsPerEpoch, BatchSource batches) {}

  /**
   * The gradient of this worker's batch {@code step} of {@code epoch}: each tensor goes to
   * {@code ready} as backward produces it (the last layer's first), while TensorFlow still works
   * on the layers before.
   */
  @Override
  public Gradient gradient(float[][] weights, int epoch, int step, TensorReady ready) {
    Share s = share;
    if (s.batches() == null) {
      throw new IllegalStateException(setup.batch() > 0
          ? "this replica holds no training rows yet; the master shares them out at an epoch start"
          : "this replica was set up for evaluation only (batch 0); it cannot train");
    }
    return onThread(() -> {
      long start = System.nanoTime();
      Batch batch = s.batches().batch(epoch, step);
      float[][] values = new float[weights.length][];
      BatchStats stats = compute.gradient(weights, batch.images(), batch.labels(), batch.rows(),
          ModelCompute.stepSeed(setup.seed(), epoch, step, setup.worker()), (index, gradient) -> {
            values[index] = gradient;
            ready.ready(index, gradient);
          });
      return new Gradient(values, stats.loss(), stats.correct(), stats.rows(), System.nanoTime() - start);
    });
  }

  /**
   * Loss and accuracy on test slice {@code slice}: this worker's own, or a lost worker's that the
   * master sent it ({@link #adopt}).
   */
  @Override
  public Evaluation evaluate(float[][] weights, int slice) {
    Dataset test = slice == setup.worker() ? setup.test() : adopted.get(slice);
    if (test == null) {
      throw new IllegalStateException("this replica does not hold test slice " + slice
          + "; the master must send its rows with the first request for it");
    }
    return onThread(() -> {
      long start = System.nanoTime();
      if (test.rows() == 0) {
        return new Evaluation(0, 0, 0, 0);
      }
      EvalResult r = compute.evaluate(weights, test.images(), test.labels(), test.rows());
      return new Evaluation(r.lossSum(), r.correct(), r.count(), System.nanoTime() - start);
    });
  }

  /** Takes a batch the master's feed streamed (see {@link StreamedBatches#push}). */
  public Credit push(Push push) throws InterruptedException {
    if (!(share.batches() instanceof StreamedBatches stream)) {
      throw new IllegalStateException("this replica was set up with its training shard (--data-feed preload);"
          + " it takes no streamed batches");
    }
    return stream.push(push);
  }

  /** Keeps a lost worker's test slice, to evaluate it from now on. */
  public void adopt(int slice, Dataset rows) {
    adopted.put(slice, rows);
  }

  /** The {@code k} most probable classes of the first {@code rows} rows of {@code images}, on this replica's weights. */
  public TopK predict(float[] images, int rows, int k) {
    float[][] weights = model.state().weights();
    return onThread(() -> compute.topK(weights, images, rows, k));
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
   * returns at once: it must not make the caller wait.
   */
  @Override
  public void close() {
    model.close();
    thread.execute(compute::close);
    thread.shutdown();
  }
}
