package ddl.train.driver;

import java.util.List;

/**
 * Plain loops over a model held as {@code float[][]}: one array per tensor, row-major. No engine
 * is involved, so the master can average and update models without DJL.
 */
public final class FloatArrays {
  private FloatArrays() {}

  /** A deep copy. */
  public static float[][] copy(float[][] a) {
    float[][] out = new float[a.length][];
    for (int t = 0; t < a.length; t++) {
      out[t] = a[t].clone();
    }
    return out;
  }

  /** Copies {@code from} into {@code to}, which must have the same layout. */
  public static void copyInto(float[][] from, float[][] to) {
    requireSameLayout(from, to);
    for (int t = 0; t < from.length; t++) {
      System.arraycopy(from[t], 0, to[t], 0, from[t].length);
    }
  }

  /** Adds {@code b} to {@code a} element by element ({@code a += b}); the layouts must match. */
  public static void addInto(float[][] a, float[][] b) {
    requireSameLayout(a, b);
    for (int t = 0; t < a.length; t++) {
      float[] at = a[t];
      float[] bt = b[t];
      for (int i = 0; i < at.length; i++) {
        at[i] += bt[i];
      }
    }
  }

  /** {@code a - b} element by element, in new arrays. */
  public static float[][] difference(float[][] a, float[][] b) {
    requireSameLayout(a, b);
    float[][] out = new float[a.length][];
    for (int t = 0; t < a.length; t++) {
      out[t] = new float[a[t].length];
      for (int i = 0; i < a[t].length; i++) {
        out[t][i] = a[t][i] - b[t][i];
      }
    }
    return out;
  }

  /** A 64-bit hash (FNV-1a over the values' bits) of all tensors. */
  public static long checksum(float[][] a) {
    long h = 0xcbf29ce484222325L;
    for (float[] t : a) {
      for (float v : t) {
        h = (h ^ Float.floatToRawIntBits(v)) * 0x100000001b3L;
      }
    }
    return h;
  }

  /** Arrays of zeros with the layout of {@code a}. */
  public static float[][] zerosLike(float[][] a) {
    float[][] out = new float[a.length][];
    for (int t = 0; t < a.length; t++) {
      out[t] = new float[a[t].length];
    }
    return out;
  }

  /**
   * Writes the element-wise mean of {@code parts} into {@code target}: the parts are summed in list
   * order, then scaled by {@code 1 / parts.size()}.
   */
  public static void meanInto(List<float[][]> parts, float[][] target) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("cannot average no arrays");
    }
    for (float[][] p : parts) {
      requireSameLayout(p, target);
    }
    float scale = 1f / parts.size();
    int n = parts.size();
    for (int t = 0; t < target.length; t++) {
      float[] out = target[t];
      float[] first = parts.get(0)[t];
      if (n == 2) {
        float[] second = parts.get(1)[t];
        for (int i = 0; i < out.length; i++) {
          out[i] = (first[i] + second[i]) * scale;
        }
        continue;
      }
      System.arraycopy(first, 0, out, 0, out.length);
      for (int k = 1; k < n; k++) {
        float[] p = parts.get(k)[t];
        for (int i = 0; i < out.length; i++) {
          out[i] += p[i];
        }
      }
      for (int i = 0; i < out.length; i++) {
        out[i] *= scale;
      }
    }
  }

  /** The element-wise mean of {@code parts} in new arrays. */
  public static float[][] mean(List<float[][]> parts) {
    float[][] out = zerosLike(parts.get(0));
    meanInto(parts, out);
    return out;
  }

  /** The largest absolute element-wise difference; the layouts must match. */
  public static double maxAbsDiff(float[][] a, float[][] b) {
    requireSameLayout(a, b);
    double max = 0;
    for (int t = 0; t < a.length; t++) {
      for (int i = 0; i < a[t].length; i++) {
        max = Math.max(max, Math.abs((double) a[t][i] - b[t][i]));
      }
    }
    return max;
  }

  /** The largest absolute element. */
  public static double maxAbs(float[][] a) {
    double max = 0;
    for (float[] t : a) {
      for (float v : t) {
        max = Math.max(max, Math.abs(v));
      }
    }
    return max;
  }

  /** Whether every value is a finite number (no NaN, no infinity). */
  public static boolean allFinite(float[][] a) {
    for (float[] t : a) {
      for (float v : t) {
        if (!Float.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The number of elements in all tensors. */
  public static long count(float[][] a) {
    long n = 0;
    for (float[] t : a) {
      n += t.length;
    }
    return n;
  }

  /** Throws if the two do not have the same number of tensors of the same lengths. */
  public static void requireSameLayout(float[][] a, float[][] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("models differ in layout: " + a.length + " tensors against " + b.length);
    }
    for (int t = 0; t < a.length; t++) {
      if (a[t].length != b[t].length) {
        throw new IllegalArgumentException("models differ in layout: tensor " + t + " has " + a[t].length
            + " values against " + b[t].length);
      }
    }
  }
}
