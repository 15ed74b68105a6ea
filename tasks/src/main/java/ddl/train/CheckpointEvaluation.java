package ddl.train;

import ddl.train.replica.ClusterReplicas;
import ddl.master.Cluster;
import ddl.train.checkpoint.Checkpoint;
import ddl.train.data.Dataset;
import ddl.train.data.TrainTest;
import ddl.train.driver.Evaluation;
import ddl.train.driver.LiveWorkers;
import ddl.train.driver.ModelState;
import ddl.train.driver.TestSetEvaluation;
import ddl.train.driver.WireFormat;
import ddl.train.nn.ModelSpec;
import ddl.train.nn.TopK;

/**
 * A checkpoint's model measured on the workers: held-out loss and accuracy (each worker evaluates
 * a slice of the test set), and the most probable classes of some test images.
 */
public final class CheckpointEvaluation {
  private CheckpointEvaluation() {}

  /**
   * What an evaluation measured.
   *
   * @param test loss and accuracy over the whole test set
   * @param top the top-k classes of the images asked for (null when none were)
   * @param seconds how long the test set took
   */
  public record Outcome(Evaluation test, TopK top, double seconds) {}

  /**
   * Fails unless images {@code from} to {@code from + show} exist in {@code test} and it has at
   * least {@code k} classes: checked before connecting, so that a wrong flag costs no data sent.
   */
  public static void requireShowable(Dataset test, int from, int show, int k) {
    if (k > test.classes() || (long) from + show > test.rows()) {
      throw new IllegalArgumentException("need --top-k <= " + test.classes() + " and --from + --show <= "
          + test.rows() + " test images");
    }
  }

  /**
   * Evaluates checkpoint {@code c}, holding model {@code spec}, on {@code cluster}'s workers over
   * {@code test}, and predicts the top {@code k} classes of its images {@code from} to
   * {@code from + show}.
   */
  public static Outcome run(Cluster cluster, Checkpoint c, ModelSpec spec, Dataset test, int from, int show, int k) {
    requireShowable(test, from, show, k);
    Dataset noTraining = new Dataset(new float[0], new int[0], 0, test.features(), test.classes());
    try (ClusterReplicas replicas = ClusterReplicas.start(cluster, new TrainTest(noTraining, test), spec, 0, 0,
        new ModelState(c.weights(), c.velocity()), 0f, WireFormat.FP32)) {
      long start = System.nanoTime();
      LiveWorkers workers = new LiveWorkers(replicas, System.out::println,
          cluster.config().transport().heartbeatInterval());
      Evaluation eval = TestSetEvaluation.run(replicas, workers, "the evaluation");
      double seconds = (System.nanoTime() - start) / 1e9;
      if (show == 0) {
        return new Outcome(eval, null, seconds);
      }
      int[] live = workers.live();
      if (live.length == 0) {
        throw new ddl.train.driver.AllWorkersLostException("every worker was lost during the evaluation; start them"
            + " (scripts/start) and evaluate again", null);
      }
      TopK top = replicas.predict(live[0], test.slice(from, from + show).images(), show, k).await();
      return new Outcome(eval, top, seconds);
    }
  }
}
