package ddl.train.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Momentum SGD on float arrays and the learning-rate schedule. */
class OptimizerAndScheduleTest {

  @Test
  void momentumStepFollowsTheFormula() {
    float[][] w = {{1f, 2f}};
    MomentumSgd sgd = new MomentumSgd(0.5f, w);
    sgd.step(w, new float[][] {{1f, -1f}}, 0.1f);
    assertEquals(0.9f, w[0][0], 1e-7);
    assertEquals(2.1f, w[0][1], 1e-7);
    sgd.step(w, new float[][] {{1f, -1f}}, 0.1f);
    // v = 0.5 * 1 + 1 = 1.5
    assertEquals(0.75f, w[0][0], 1e-6);
    assertEquals(1.5f, sgd.velocity()[0][0], 1e-7);
  }

  @Test
  void sharesOfAMeanAddUpToOneStep() {
    float[][] g1 = {{0.3f, -2f, 5f}};
    float[][] g2 = {{1.1f, 0.25f, -4f}};
    float[][] a = {{1f, 1f, 1f}};
    float[][] b = FloatArrays.copy(a);
    MomentumSgd full = new MomentumSgd(0.9f, a);
    MomentumSgd parts = new MomentumSgd(0.9f, b);
    for (int i = 0; i < 4; i++) {
      full.step(a, FloatArrays.mean(List.of(g1, g2)), 0.05f);
      parts.stepShare(b, g2, 0.5f, 0.05f, true);
      parts.stepShare(b, g1, 0.5f, 0.05f, false);
    }
    assertTrue(FloatArrays.maxAbsDiff(a, b) < 1e-6);
    assertTrue(FloatArrays.maxAbsDiff(full.velocity(), parts.velocity()) < 1e-6);
  }

  @Test
  void meanOfThreeParts() {
    float[][] m = FloatArrays.mean(List.of(new float[][] {{1, 2}}, new float[][] {{3, 4}}, new float[][] {{5, 9}}));
    assertEquals(3f, m[0][0]);
    assertEquals(5f, m[0][1]);
  }

  @Test
  void layoutMismatchIsReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FloatArrays.requireSameLayout(new float[][] {{1}}, new float[][] {{1, 2}}));
    assertTrue(e.getMessage().contains("tensor 0"));
  }

  @Test
  void cosineScheduleWarmsUpPeaksAndDecaysToZero() {
    LearningRate lr = new LearningRate(0.1, LearningRate.Shape.COSINE, 1000, 100);
    assertEquals(0.001, lr.at(0), 1e-7);
    assertEquals(0.1, lr.at(99), 1e-7);
    assertEquals(0.1, lr.at(100), 1e-7);
    assertEquals(0.05, lr.at(550), 1e-6);
    assertEquals(0.0, lr.at(1000), 1e-9);
    assertEquals(0.1, LearningRate.constant(0.1).at(12345), 1e-7);
    assertEquals(LearningRate.Shape.COSINE, LearningRate.Shape.parse("Cosine"));
    assertThrows(IllegalArgumentException.class, () -> LearningRate.Shape.parse("wiggly"));
  }

  @Test
  void aPlanWithOtherStepsPerEpochKeepsItsScheduleInEpochs() {
    // 10 epochs of 90 steps, half an epoch of warm-up; then three workers instead of two: 60 steps.
    TrainingPlan two = new TrainingPlan(10, 90, new LearningRate(0.1, LearningRate.Shape.COSINE, 900, 45), 0.9f);
    TrainingPlan three = two.withStepsPerEpoch(60);
    assertEquals(60, three.stepsPerEpoch());
    assertEquals(new LearningRate(0.1, LearningRate.Shape.COSINE, 600, 30), three.learningRate());
    for (int epoch = 1; epoch < 10; epoch++) {
      assertEquals(two.learningRate().at(two.globalStep(epoch, 0)), three.learningRate().at(three.globalStep(epoch, 0)),
          1e-6, "the rate at the start of epoch " + (epoch + 1));
      assertEquals(two.learningRate().at(two.globalStep(epoch, 45)), three.learningRate().at(three.globalStep(epoch, 30)),
          1e-6, "the rate half way through epoch " + (epoch + 1));
    }
    assertEquals(two, two.withStepsPerEpoch(90));
  }
}
