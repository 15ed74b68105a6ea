package ddl.train.feed;

import ddl.train.data.Dataset;

/** Batches copied out of the shard the worker holds, into arrays reused batch after batch. */
public final class PreloadedBatches implements BatchSource {
  private final Dataset shard;
  private final BatchPlan plan;
  private final float[] images;
  private final int[] labels;

  public PreloadedBatches(Dataset shard, BatchPlan plan, int batch) {
    this.shard = shard;
    this.plan = plan;
    this.images = new float[batch * shard.features()];
    this.labels = new int[batch];
  }

  @Override
  public int shardRows() {
    return shard.rows();
  }

  @Override
  public Batch batch(int epoch, int step) {
    return copy(shard, plan.rows(epoch, step), epoch, step, images, labels);
  }

  /** Rows {@code rows} of {@code shard} copied into {@code images} and {@code labels}, as batch {@code (epoch, step)}. */
  static Batch copy(Dataset shard, int[] rows, int epoch, int step, float[] images, int[] labels) {
    int features = shard.features();
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(shard.images(), rows[i] * features, images, i * features, features);
      labels[i] = shard.labels()[rows[i]];
    }
    return new Batch(epoch, step, images, labels, rows.length);
  }
}
