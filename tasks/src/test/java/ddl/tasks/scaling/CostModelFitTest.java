package ddl.tasks.scaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ddl.train.nn.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cost model's fit recovers α and β from step times made with known values. */
class CostModelFitTest {
  private static final GradientLayout MLP = GradientLayout.perTensor(ModelSpec.parse("mlp", new int[] {28, 28, 1}, 10), 4);

  @Test
  void layoutOfTheMlpPutsTheFirstLayerLast() {
    assertArrayEquals(new long[] {784 * 256, 256}, MLP.late());
    assertArrayEquals(new long[] {256 * 128, 128, 128 * 10, 10}, MLP.early());
    assertEquals(235_146L * 4, MLP.bytes());
  }

  @Test
  void bucketsGatherTensorsInBackwardOrderAsTheRingDoes() {
    ModelSpec mlp = ModelSpec.parse("mlp", new int[] {28, 28, 1}, 10);
    GradientLayout oneBucket = GradientLayout.bucketed(mlp, 4, ddl.train.driver.GradientBuckets.CAP);
    assertArrayEquals(new long[0], oneBucket.early(), "the MLP is smaller than a bucket: one allreduce after backward");
    assertArrayEquals(new long[] {235_146}, oneBucket.late());
    // a bucket fills at the second layer's weights (10 + 1,280 + 128 + 32,768 values) and travels during backward
    GradientLayout small = GradientLayout.bucketed(mlp, 2, 30_000);
    assertArrayEquals(new long[] {34_186}, small.early());
    assertArrayEquals(new long[] {256 + 200_704}, small.late());
    assertEquals(235_146L * 2, small.bytes());
    assertEquals(2, small.allreduces());
  }

  @Test
  void recoversAlphaAndBetaPerLinkFromExactPoints() {
    CostModel truth = new CostModel(MLP, 0.2, 120e-6, Map.of("1gbit", 8.6e-9, "10gbit", 2.4e-9));
    List<Point> points = synthetic(truth, 1.5e-3);
    CostModel fitted = CostModelFit.fit(points, MLP, 0.2);
    assertEquals(120e-6, fitted.alpha(), 1e-12);
    assertEquals(8.6e-9, fitted.beta("1gbit"), 1e-16);
    assertEquals(2.4e-9, fitted.beta("10gbit"), 1e-16);
    for (double e : CostModelFit.relativeErrors(fitted, points)) {
      assertEquals(0, e, 1e-9);
    }
  }

  @Test
  void recoversTheModelWhenTheEarlyTensorsHideBehindBackward() {
    // a small α and a wide window: the early tensors' allreduce fits in the window on some points
    CostModel truth = new CostModel(MLP, 0.5, 5e-6, Map.of("1gbit", 8.0e-9, "25gbit", 0.35e-9));
    List<Point> points = synthetic(truth, 4e-3);
    long hidden = points.stream().filter(p -> p.allreduce() == Allreduce.RING && p.workers() > 1)
        .filter(p -> CostModel.terms(MLP, truth.windowShare(), Allreduce.RING, p.workers(), p.compute(), 0,
            truth.alpha(), truth.beta(p.link())).fixed() == p.compute()).count();
    assertEquals(true, hidden > 0, "some ring points must be in the fully hidden case");
    CostModel fitted = CostModelFit.fit(points, MLP, truth.windowShare());
    assertEquals(5e-6, fitted.alpha(), 1e-12);
    assertEquals(8.0e-9, fitted.beta("1gbit"), 1e-16);
    assertEquals(0.35e-9, fitted.beta("25gbit"), 1e-17);
  }

  @Test
  void noisyPointsGiveCloseValues() {
    CostModel truth = new CostModel(MLP, 0.2, 80e-6, Map.of("1gbit", 8.6e-9, "10gbit", 2.4e-9));
    List<Point> exact = synthetic(truth, 2e-3);
    List<Point> noisy = new ArrayList<>();
    for (int i = 0; i < exact.size(); i++) {
      Point p = exact.get(i);
      double wobble = 1 + 0.02 * (i % 2 == 0 ? 1 : -1); // ±2 % on every step time
      noisy.add(new Point(p.link(), p.workers(), p.allreduce(), p.step() * wobble, p.compute(), p.master()));
    }
    CostModel fitted = CostModelFit.fit(noisy, MLP, 0.2);
    assertEquals(8.6e-9, fitted.beta("1gbit"), 8.6e-9 * 0.1);
    assertEquals(2.4e-9, fitted.beta("10gbit"), 2.4e-9 * 0.25);
    assertEquals(80e-6, fitted.alpha(), 80e-6 * 0.5);
    for (double e : CostModelFit.relativeErrors(fitted, noisy)) {
      assertEquals(0, e, 0.05);
    }
  }

  @Test
  void ringBytesMatchTheRecordsCount() {
    assertEquals(2.0 * MLP.bytes(), CostModel.bytesPerWorker(MLP, Allreduce.MASTER, 4));
    assertEquals(MLP.bytes(), CostModel.bytesPerWorker(MLP, Allreduce.RING, 2)); // 2(N−1)/N·S with N = 2
    assertEquals(0, CostModel.bytesPerWorker(MLP, Allreduce.RING, 1));
  }

  @Test
  void tooFewPointsSaySo() {
    assertThrows(IllegalArgumentException.class, () -> CostModelFit.fit(List.of(), MLP, 0));
    // one point cannot separate α from β
    Point one = new Point("1gbit", 2, Allreduce.MASTER, 20e-3, 1e-3, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CostModelFit.fit(List.of(one), MLP, 0));
    assertEquals(true, e.getMessage().contains("measure more"), e.getMessage());
  }

  /** Points for N = 1..4, both allreduce kinds, every link of {@code truth}; compute grows with N. */
  private static List<Point> synthetic(CostModel truth, double compute) {
    List<Point> points = new ArrayList<>();
    for (String link : truth.beta().keySet()) {
      for (int n = 1; n <= 4; n++) {
        for (Allreduce a : Allreduce.values()) {
          double c = compute * (1 + 0.4 * (n - 1));
          double m = a == Allreduce.MASTER ? 0.1e-3 * n : 0;
          Point p = new Point(link, n, a, 0, c, m);
          points.add(new Point(link, n, a, truth.predict(p), c, m));
        }
      }
    }
    return points;
  }
}
