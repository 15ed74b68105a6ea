package ddl.train.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * In-process workers for driver tests: linear least squares on synthetic data, in plain Java. The
 * model is {@code {w[features], b[1]}}; the loss of a batch is the mean of {@code (w.x + b - y)^2 / 2}.
 * Which rows make up a worker's batch is given by a {@link Batches} function, so that a single
 * worker can be given exactly the union of several workers' batches.
 */
final class LinearReplicas {
  /** The global rows of worker {@code worker}'s batch {@code step} of epoch {@code epoch}. */
  interface Batches {
    int[] rows(int worker, int epoch, int step);
  }

  private LinearReplicas() {}

  /** {@code workers} linear workers over the data {@code x, y}, all starting from zeros. */
  static LocalReplicas of(int features, float[] x, float[] y, int workers, int steps, Batches batches, boolean jitter) {
    return of(features, x, y, workers, steps, batches, jitter, -1, WireFormat.FP32);
  }

  /** Like {@link #of}, worker {@code slow} (or none, -1) taking a millisecond per gradient, values in {@code format}. */
  static LocalReplicas of(int features, float[] x, float[] y, int workers, int steps, Batches batches, boolean jitter,
      int slow, WireFormat format) {
    List<GradientSource> sources = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      sources.add(new Source(features, x, y, w, workers, batches, jitter, w == slow));
    }
    float[][] zeros = {new float[features], new float[1]};
    return new LocalReplicas(sources, new ModelState(zeros, FloatArrays.zerosLike(zeros)), 0.9f, steps, format);
  }

  /** Synthetic data: {@code rows} rows of {@code features} normal features and a noisy linear target. */
  static float[][] data(int rows, int features, long seed) {
    Random r = new Random(seed);
    float[] truth = new float[features];
    for (int j = 0; j < features; j++) {
      truth[j] = (float) r.nextGaussian();
    }
    float[] x = new float[rows * features];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      double t = 0.5;
      for (int j = 0; j < features; j++) {
        x[i * features + j] = (float) r.nextGaussian();
        t += truth[j] * x[i * features + j];
      }
      y[i] = (float) (t + 0.1 * r.nextGaussian());
    }
    return new float[][] {x, y};
  }

  /** Worker {@code w} of {@code n} owns rows {@code w, w + n, ...}; its batches walk a seeded permutation of them. */
  static Batches sharded(int rows, int n, int batch, long seed) {
    return (worker, epoch, step) -> {
      int shard = rows / n;
      int[] perm = permutation(shard, seed * 31 + epoch * 7 + worker);
      int[] out = new int[batch];
      for (int i = 0; i < batch; i++) {
        out[i] = perm[step * batch + i] * n + worker;
      }
      return out;
    };
  }

  /** One worker whose batch is the union of the {@code n} workers' batches of {@code of}. */
  static Batches combined(Batches of, int n) {
    return (worker, epoch, step) -> {
      int[][] parts = new int[n][];
      int total = 0;
      for (int w = 0; w < n; w++) {
        parts[w] = of.rows(w, epoch, step);
        total += parts[w].length;
      }
      int[] out = new int[total];
      int at = 0;
      for (int[] p : parts) {
        System.arraycopy(p, 0, out, at, p.length);
        at += p.length;
      }
      return out;
    };
  }

  static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** One worker's data and model arithmetic. */
  static final class Source implements GradientSource {
    private final int features;
    private final float[] x;
    private final float[] y;
    private final int worker;
    private final int workers;
    private final Batches batches;
    private final boolean jitter;
    private final boolean slow;

    Source(int features, float[] x, float[] y, int worker, int workers, Batches batches, boolean jitter, boolean slow) {
      this.features = features;
      this.x = x;
      this.y = y;
      this.worker = worker;
      this.workers = workers;
      this.batches = batches;
      this.jitter = jitter;
      this.slow = slow;
    }

    @Override
    public Gradient gradient(float[][] weights, int epoch, int step, TensorReady ready) {
      pause();
      return compute(weights, batches.rows(worker, epoch, step));
    }

    private Gradient compute(float[][] wb, int[] rows) {
      float[] w = wb[0];
      float b = wb[1][0];
      float[] gw = new float[features];
      float[] gb = new float[1];
      double loss = 0;
      for (int r : rows) {
        double pred = b;
        for (int j = 0; j < features; j++) {
          pred += w[j] * x[r * features + j];
        }
        double err = pred - y[r];
        loss += 0.5 * err * err;
        for (int j = 0; j < features; j++) {
          gw[j] += (float) (err * x[r * features + j] / rows.length);
        }
        gb[0] += (float) (err / rows.length);
      }
      return new Gradient(new float[][] {gw, gb}, (float) (loss / rows.length), 0, rows.length, 1000);
    }

    /** Worker {@code slice}'s test rows are rows {@code slice, slice + workers, ...}. */
    @Override
    public Evaluation evaluate(float[][] weights, int slice) {
      int[] all = new int[y.length / workers];
      for (int i = 0; i < all.length; i++) {
        all[i] = i * workers + slice;
      }
      Gradient g = compute(weights, all);
      return new Evaluation(g.loss() * g.rows(), 0, g.rows(), 0);
    }

    private void pause() {
      try {
        if (slow) {
          Thread.sleep(1);
        }
        if (jitter) {
          Thread.sleep(0, ThreadLocalRandom.current().nextInt(200_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
