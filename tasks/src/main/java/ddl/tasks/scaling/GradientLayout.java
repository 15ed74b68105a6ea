package ddl.tasks.scaling;

import ddl.train.nn.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A model's gradient as the ring allreduce sees it: the values of each allreduce a step makes,
 * split into those that start while backward still runs (early) and those that can only start
 * when it ends (late). The ring gathers gradients into buckets ({@link #bucketed}); before it did,
 * each tensor was its own allreduce ({@link #perTensor}).
 *
 * @param early values per allreduce that travels during backward
 * @param late values per allreduce that starts after backward
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

  /**
   * {@code spec}'s gradient as the ring reduces it: tensors gathered in the order backward hands
   * them out (last layer first) into buckets of at least {@code bucketValues} values, each bucket
   * reduced as soon as it is full; what is left when backward ends is the last bucket.
   */
  public static GradientLayout bucketed(ModelSpec spec, int bytesPerValue, long bucketValues) {
    List<ModelSpec.Parameter> params = new ArrayList<>(parameters(spec));
    Collections.reverse(params);
    List<Long> early = new ArrayList<>();
    long filling = 0;
    for (ModelSpec.Parameter p : params.subList(0, params.size() - 1)) {
      filling += p.size();
      if (filling >= bucketValues) {
        early.add(filling);
        filling = 0;
      }
    }
    long last = filling + params.get(params.size() - 1).size();
    return new GradientLayout(early.stream().mapToLong(Long::longValue).toArray(), new long[] {last}, bytesPerValue);
  }

  /**
   * {@code spec}'s gradient with one allreduce per tensor: every layer's but the first travel
   * during backward, the first layer's (produced last) after it.
   */
  public static GradientLayout perTensor(ModelSpec spec, int bytesPerValue) {
    List<ModelSpec.Parameter> params = parameters(spec);
    int first = params.stream().mapToInt(ModelSpec.Parameter::layer).min().orElseThrow();
    return new GradientLayout(
        params.stream().filter(p -> p.layer() != first).mapToLong(ModelSpec.Parameter::size).toArray(),
        params.stream().filter(p -> p.layer() == first).mapToLong(ModelSpec.Parameter::size).toArray(),
        bytesPerValue);
  }

  private static List<ModelSpec.Parameter> parameters(ModelSpec spec) {
    List<ModelSpec.Parameter> params = spec.parameters();
    if (params.isEmpty()) {
      throw new IllegalArgumentException("model " + spec + " has no parameters");
    }
    return params;
  }

  /** The same allreduces with {@code bytes} bytes a value. */
  public GradientLayout withBytesPerValue(int bytes) {
    return new GradientLayout(early, late, bytes);
  }

  /** Values of the whole gradient. */
  public long values() {
    return Arrays.stream(early).sum() + Arrays.stream(late).sum();
  }

  /** Bytes of the whole gradient (one model copy), S in the formulas. */
  public long bytes() {
    return values() * bytesPerValue;
  }

  /** Number of allreduces a step makes. */
  public int allreduces() {
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
