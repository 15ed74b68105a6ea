package ddl.train.feed;

import ddl.train.nn.ModelCompute;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What {@code --augment} does to streamed images: {@code none}, or {@code shift-rotate}: each image
 * moved by a whole number of pixels in [-2, 2] along each axis and turned by an angle in [-10, 10]
 * degrees about its centre (bilinear interpolation, black outside the original). The draws come
 * from the run's seed, the epoch, the step and the worker, so that a run is reproducible.
 */
public enum Augmentation {
  /** The images as they are. */
  NONE,
  /** Random shifts of up to {@link #MAX_SHIFT} pixels and rotations of up to {@link #MAX_DEGREES} degrees. */
  SHIFT_ROTATE;

  /** The largest shift along each axis, in pixels. */
  public static final int MAX_SHIFT = 2;
  /** The largest rotation either way, in degrees. */
  public static final double MAX_DEGREES = 10;
  /** The flag's values, for help and errors. */
  public static final String NAMES = "none|shift-rotate";

  /** How one image is moved: shifted by {@code (dx, dy)} pixels, then turned by {@code degrees} about its centre. */
  public record Move(int dx, int dy, double degrees) {}

  /** Reads {@code none} or {@code shift-rotate}. */
  public static Augmentation parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "none" -> NONE;
      case "shift-rotate" -> SHIFT_ROTATE;
      default -> throw new IllegalArgumentException("unknown augmentation '" + text + "'; use " + NAMES);
    };
  }

  /** The flag's text for this value. */
  public String text() {
    return this == NONE ? "none" : "shift-rotate";
  }

  /**
   * Augments {@code batch}'s images, {@code width x height} pixels of one channel each, in place,
   * with the moves drawn for batch {@code (epoch, step)} of worker {@code worker} in a run of seed {@code seed}.
   */
  public void apply(Batch batch, int width, int height, long seed, int worker) {
    if (this == NONE) {
      return;
    }
    int pixels = width * height;
    if (batch.images().length != batch.rows() * pixels) {
      throw new IllegalArgumentException("shift-rotate needs images of " + width + "x" + height
          + " pixels of one channel; this batch has " + batch.images().length / Math.max(1, batch.rows())
          + " values a row");
    }
    SplittableRandom random = new SplittableRandom(
        ModelCompute.stepSeed(seed, batch.epoch(), batch.step(), worker) ^ 0x5DEECE66DL);
    float[] original = new float[pixels];
    for (int i = 0; i < batch.rows(); i++) {
      System.arraycopy(batch.images(), i * pixels, original, 0, pixels);
      move(original, batch.images(), i * pixels, width, height, draw(random));
    }
  }

  /** One image's move: each shift uniform in [-2, 2], the angle uniform in [-10, 10] degrees. */
  static Move draw(SplittableRandom random) {
    return new Move(random.nextInt(-MAX_SHIFT, MAX_SHIFT + 1), random.nextInt(-MAX_SHIFT, MAX_SHIFT + 1),
        random.nextDouble(-MAX_DEGREES, MAX_DEGREES));
  }

  /**
   * Writes {@code source} (one image) moved by {@code m} into {@code target} from {@code offset}:
   * each target pixel reads the source where the inverse move takes it, interpolated bilinearly.
   */
  static void move(float[] source, float[] target, int offset, int width, int height, Move m) {
    double rad = Math.toRadians(m.degrees());
    double cos = Math.cos(rad);
    double sin = Math.sin(rad);
    double cx = (width - 1) / 2.0;
    double cy = (height - 1) / 2.0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        // Undo the rotation about the centre, then the shift.
        double rx = x - cx;
        double ry = y - cy;
        double sx = cos * rx + sin * ry + cx - m.dx();
        double sy = -sin * rx + cos * ry + cy - m.dy();
        target[offset + y * width + x] = bilinear(source, width, height, sx, sy);
      }
    }
  }

  private static float bilinear(float[] image, int width, int height, double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    double top = (1 - fx) * pixel(image, width, height, x0, y0) + fx * pixel(image, width, height, x0 + 1, y0);
    double bottom = (1 - fx) * pixel(image, width, height, x0, y0 + 1)
        + fx * pixel(image, width, height, x0 + 1, y0 + 1);
    return (float) ((1 - fy) * top + fy * bottom);
  }

  private static float pixel(float[] image, int width, int height, int x, int y) {
    return x < 0 || y < 0 || x >= width || y >= height ? 0f : image[y * width + x];
  }
}
