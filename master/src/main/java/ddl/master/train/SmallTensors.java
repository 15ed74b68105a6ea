package ddl.master.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradients too small to be worth an allreduce of their own (biases, a last layer), gathered into
 * one vector: an allreduce costs a few network latencies whatever its size, so one for all the
 * small tensors of a step instead of one each saves most of them (PyTorch DDP buckets gradients
 * for the same reason).
 */
final class SmallTensors {
  /** Tensors below this many values go into the bucket (64 KiB as floats). */
  static final int BELOW = 16 * 1024;

  private final List<float[]> tensors = new ArrayList<>();
  private int values;

  boolean isSmall(float[] tensor) {
    return tensor.length < BELOW;
  }

  void add(float[] tensor) {
    tensors.add(tensor);
    values += tensor.length;
  }

  /** The tensors gathered so far, as one bucket; this collector starts empty again. */
  Bucket drain() {
    Bucket b = new Bucket(List.copyOf(tensors), values);
    tensors.clear();
    values = 0;
    return b;
  }

  /** Several tensors reduced as one vector. */
  record Bucket(List<float[]> tensors, int values) {
    float[] pack() {
      float[] flat = new float[values];
      int at = 0;
      for (float[] t : tensors) {
        System.arraycopy(t, 0, flat, at, t.length);
        at += t.length;
      }
      return flat;
    }

    void unpack(float[] flat) {
      int at = 0;
      for (float[] t : tensors) {
        System.arraycopy(flat, at, t, 0, t.length);
        at += t.length;
      }
    }
  }
}
