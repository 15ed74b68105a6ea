package ddl.tasks.scaling;

import ddl.train.nn.ModelSpec;
import java.util.Arrays;
import java.util.List;

/**
 * A model's gradient as the allreduce sees it: the values of each tensor, split into the tensors
 * backward hands out early (every layer but the first) and late (the first layer's, produced last).
 * Only the early ones can travel while backward still runs.
 *
 * @param early values per tensor of the layers after the first
 * @param late values per tensor of the first trainable layer
 * @param bytesPerValue 4 for fp32 on the wire, 2 for bf16
 */
public record GradientLayout(long[] early, long[] late, int bytesPerValue) {

  public GradientLayout {
    early = early.clone();
    late = late.clone();
    if (late.length == 0 || bytesPerValue <= 0) {
      throw new IllegalArgumentException("a gradient needs at least one tensor and a positive value size");
    }
  }

  /** The layout of {@code spec}'s gradient with {@code bytesPerValue} bytes a value. */
  public static GradientLayout of(ModelSpec spec, int bytesPerValue) {
    List<ModelSpec.Parameter> params = spec.parameters();
    int first = params.stream().mapToInt(ModelSpec.Parameter::layer).min()
        .orElseThrow(() -> new IllegalArgumentException("model " + spec + " has no parameters"));
    return new GradientLayout(
        params.stream().filter(p -> p.layer() != first).mapToLong(ModelSpec.Parameter::size).toArray(),
        params.stream().filter(p -> p.layer() == first).mapToLong(ModelSpec.Parameter::size).toArray(),
        bytesPerValue);
  }

  /** Bytes of the whole gradient (one model copy), S in the formulas. */
  public long bytes() {
    return (Arrays.stream(early).sum() + Arrays.stream(late).sum()) * bytesPerValue;
  }

  /** Number of tensors, each a ring allreduce of its own. */
  public int tensors() {
    return early.length + late.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GradientLayout g && Arrays.equals(early, g.early) && Arrays.equals(late, g.late)
        && bytesPerValue == g.bytesPerValue;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(early) + Arrays.hashCode(late)) + bytesPerValue;
  }

  @Override
  public String toString() {
    return "GradientLayout[early=" + Arrays.toString(early) + ", late=" + Arrays.toString(late) + ", bytesPerValue="
        + bytesPerValue + "]";
  }
}
