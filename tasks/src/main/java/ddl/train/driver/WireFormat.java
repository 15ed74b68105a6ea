package ddl.train.driver;

import java.util.Locale;

/**
 * How gradients, deltas and reduced values travel: as 32-bit floats, or as bfloat16 (the upper 16
 * bits of a float, rounded to nearest even), which halves the bytes. Weights and sums stay 32-bit
 * floats on both sides; only the wire form is rounded.
 */
public enum WireFormat {
  FP32,
  BF16;

  /** Parses {@code fp32} or {@code bf16}. */
  public static WireFormat parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "fp32" -> FP32;
      case "bf16" -> BF16;
      default -> throw new IllegalArgumentException("--grad-dtype takes fp32 or bf16, not '" + text + "'");
    };
  }

  /** Bytes per value on the wire. */
  public int bytesPerValue() {
    return this == FP32 ? 4 : 2;
  }

  /** The bfloat16 bits of {@code f}, rounded to nearest even (NaN stays NaN). */
  public static char toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (char) ((bits >>> 16) | 0x40); // a quiet NaN
    }
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (char) (rounded >>> 16);
  }

  /** The float a bfloat16 value stands for. */
  public static float fromBf16(char b) {
    return Float.intBitsToFloat(b << 16);
  }

  /** {@code values[from..to)} as bfloat16. */
  public static char[] toBf16(float[] values, int from, int to) {
    char[] out = new char[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = toBf16(values[i]);
    }
    return out;
  }

  /** Rounds {@code values[from..to)} in place to what their bfloat16 form stands for. */
  public static void roundToBf16(float[] values, int from, int to) {
    for (int i = from; i < to; i++) {
      values[i] = fromBf16(toBf16(values[i]));
    }
  }

  /** A model-shaped set of tensors in this format, for a message. */
  public Packed pack(float[][] tensors) {
    if (this == FP32) {
      return new Packed(tensors, null);
    }
    char[][] b = new char[tensors.length][];
    for (int t = 0; t < tensors.length; t++) {
      b[t] = toBf16(tensors[t], 0, tensors[t].length);
    }
    return new Packed(null, b);
  }

  /**
   * Tensors as they travel: exactly one of the two is set.
   *
   * @param fp32 32-bit floats
   * @param bf16 bfloat16 bits
   */
  public record Packed(float[][] fp32, char[][] bf16) {
    /** The 32-bit values (the bfloat16 ones widened), in new arrays unless they were fp32. */
    public float[][] unpack() {
      if (fp32 != null) {
        return fp32;
      }
      float[][] out = new float[bf16.length][];
      for (int t = 0; t < bf16.length; t++) {
        out[t] = new float[bf16[t].length];
        for (int i = 0; i < bf16[t].length; i++) {
          out[t][i] = fromBf16(bf16[t][i]);
        }
      }
      return out;
    }

    /** Bytes of the values on the wire. */
    public long bytes() {
      long n = 0;
      if (fp32 != null) {
        for (float[] t : fp32) {
          n += 4L * t.length;
        }
      } else {
        for (char[] t : bf16) {
          n += 2L * t.length;
        }
      }
      return n;
    }
  }
}
