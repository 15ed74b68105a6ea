package ddl.train.driver;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradients gathered, in the order backward hands them out, into buckets of at least
 * {@link #CAP} values, each reduced by one allreduce. An allreduce costs {@code 2(N - 1)} network
 * hops whatever its size, so one per tensor makes a step latency-bound as the ring grows; a bucket
 * still lets a large model's first layers' reduction overlap with the rest of backward (PyTorch
 * DDP buckets gradients for the same reasons). A model smaller than one bucket is reduced in one
 * allreduce per step.
 */
public final class GradientBuckets {
  /** Values per bucket (4 MiB as floats). */
  public static final int CAP = 1 << 20;

  private final List<float[]> tensors = new ArrayList<>();
  private long values;

  /** Adds a tensor; true when the bucket is full and should be reduced now. */
  boolean add(float[] tensor) {
    tensors.add(tensor);
    values += tensor.length;
    return values >= CAP;
  }

  boolean isEmpty() {
    return tensors.isEmpty();
  }

  /** The tensors gathered so far, as one bucket; this collector starts empty again. */
  Bucket drain() {
    Bucket b = new Bucket(List.copyOf(tensors), values);
    tensors.clear();
    values = 0;
    return b;
  }

  /** Several tensors reduced as one vector. */
  record Bucket(List<float[]> tensors, long values) {
    /** The tensors end to end (a lone tensor is its own vector, not copied). */
    float[] pack() {
      if (tensors.size() == 1) {
        return tensors.get(0);
      }
      if (values > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("a gradient bucket of " + values + " values is too large for one array");
      }
      float[] flat = new float[(int) values];
      int at = 0;
      for (float[] t : tensors) {
        System.arraycopy(t, 0, flat, at, t.length);
        at += t.length;
      }
      return flat;
    }

    /** Copies a packed vector's values back into the tensors. */
    void unpack(float[] flat) {
      if (tensors.size() == 1 && flat == tensors.get(0)) {
        return;
      }
      int at = 0;
      for (float[] t : tensors) {
        System.arraycopy(flat, at, t, 0, t.length);
        at += t.length;
      }
    }
  }
}
