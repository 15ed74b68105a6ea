package ddl.train.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ddl.train.data.Dataset;
import ddl.train.data.FashionMnist;
import ddl.train.data.ImageData;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code --augment shift-rotate}: the same seed gives the same images, the images really change,
 * and every move stays within 2 pixels of shift and 10 degrees of rotation.
 */
class AugmentationTest {
  private static final int SIDE = 28;

  private static Batch batch(Dataset d, int rows, int epoch, int step) {
    return new Batch(epoch, step, Arrays.copyOf(d.images(), rows * d.features()), Arrays.copyOf(d.labels(), rows), rows);
  }

  private static Dataset fashion() {
    assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed at " + FashionMnist.DEFAULT_DIR);
    return ImageData.parse("fashion-mnist").load().test().slice(0, 64);
  }

  @Test
  void theSameSeedEpochStepAndWorkerGiveTheSameImages() {
    Dataset d = fashion();
    Batch a = batch(d, 64, 2, 5);
    Batch b = batch(d, 64, 2, 5);
    Augmentation.SHIFT_ROTATE.apply(a, SIDE, SIDE, 7, 1);
    Augmentation.SHIFT_ROTATE.apply(b, SIDE, SIDE, 7, 1);
    assertArrayEquals(a.images(), b.images());

    for (long[] other : new long[][] {{8, 2, 5, 1}, {7, 3, 5, 1}, {7, 2, 6, 1}, {7, 2, 5, 0}}) {
      Batch c = batch(d, 64, (int) other[1], (int) other[2]);
      Augmentation.SHIFT_ROTATE.apply(c, SIDE, SIDE, other[0], (int) other[3]);
      assertFalse(Arrays.equals(a.images(), c.images()), "seed, epoch, step, worker " + Arrays.toString(other));
    }
  }

  @Test
  void imagesChangeButKeepTheirInkAndStayInRange() {
    Dataset d = fashion();
    Batch b = batch(d, 64, 0, 0);
    Augmentation.SHIFT_ROTATE.apply(b, SIDE, SIDE, 1, 0);
    int changed = 0;
    for (int i = 0; i < 64; i++) {
      float[] before = Arrays.copyOfRange(d.images(), i * 784, (i + 1) * 784);
      float[] after = Arrays.copyOfRange(b.images(), i * 784, (i + 1) * 784);
      if (!Arrays.equals(before, after)) {
        changed++;
      }
      double inkBefore = sum(before);
      double inkAfter = sum(after);
      // A move of at most 2 pixels and 10 degrees cuts off little of an item centred in its 28x28 frame.
      assertTrue(inkAfter > 0.75 * inkBefore && inkAfter < 1.1 * inkBefore, "image " + i + ": ink " + inkBefore
          + " -> " + inkAfter);
      for (float v : after) {
        assertTrue(v >= 0 && v <= 1.0001f, "pixel " + v);
      }
    }
    // Only the draw (0, 0, ~0 degrees) leaves an image as it was, about 1 in 25 at most.
    assertTrue(changed >= 56, changed + " of 64 images changed");
    assertArrayEquals(Arrays.copyOf(d.labels(), 64), b.labels(), "labels stay");
  }

  @Test
  void shiftsAreAtMostTwoPixelsAndRotationsAtMostTenDegrees() {
    SplittableRandom r = new SplittableRandom(3);
    int[] shifts = new int[5];
    double mostDegrees = 0;
    for (int i = 0; i < 10_000; i++) {
      Augmentation.Move m = Augmentation.draw(r);
      assertTrue(Math.abs(m.dx()) <= 2 && Math.abs(m.dy()) <= 2, m.toString());
      assertTrue(Math.abs(m.degrees()) <= 10, m.toString());
      shifts[m.dx() + 2]++;
      mostDegrees = Math.max(mostDegrees, Math.abs(m.degrees()));
    }
    for (int count : shifts) {
      assertTrue(count > 1_500, "each shift from -2 to 2 is drawn: " + Arrays.toString(shifts));
    }
    assertTrue(mostDegrees > 9.5, "angles reach close to 10 degrees: " + mostDegrees);
  }

  @Test
  void aShiftMovesEveryPixelByExactlyThatMuchAndARotationTurnsAboutTheCentre() {
    float[] dot = new float[784];
    dot[10 * SIDE + 12] = 1; // row 10, column 12
    float[] out = new float[784];
    Augmentation.move(dot, out, 0, SIDE, SIDE, new Augmentation.Move(2, -1, 0));
    float[] expected = new float[784];
    expected[9 * SIDE + 14] = 1;
    assertArrayEquals(expected, out);

    // Turned by 10 degrees, the dot's centre of mass moves along a circle about (13.5, 13.5).
    Augmentation.move(dot, out, 0, SIDE, SIDE, new Augmentation.Move(0, 0, 10));
    double[] c = centre(out);
    double radiusBefore = Math.hypot(12 - 13.5, 10 - 13.5);
    assertEquals(radiusBefore, Math.hypot(c[0] - 13.5, c[1] - 13.5), 0.15);
    double turned = Math.toDegrees(Math.atan2(c[1] - 13.5, c[0] - 13.5) - Math.atan2(10 - 13.5, 12 - 13.5));
    assertEquals(10, turned, 2.0);
  }

  @Test
  void theFlagReadsItsTwoValuesOnly() {
    assertEquals(Augmentation.NONE, Augmentation.parse("none"));
    assertEquals(Augmentation.SHIFT_ROTATE, Augmentation.parse("Shift-Rotate"));
    assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("rotate"));
  }

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }

  private static double[] centre(float[] image) {
    double total = 0;
    double x = 0;
    double y = 0;
    for (int i = 0; i < image.length; i++) {
      total += image[i];
      x += image[i] * (i % SIDE);
      y += image[i] * (i / SIDE);
    }
    return new double[] {x / total, y / total};
  }
}
