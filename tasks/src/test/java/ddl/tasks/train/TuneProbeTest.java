package ddl.tasks.train;

import ddl.master.train.FloatArrays;
import ddl.master.train.EpochStats;
import ddl.master.train.LearningRate;
import ddl.master.train.MomentumSgd;
import ddl.master.train.SyncSgd;
import ddl.master.train.Trainer;
import ddl.master.train.TrainingLoop;
import ddl.master.train.TrainingPlan;
import ddl.master.train.TrainingProgress;
import ddl.tasks.data.FashionMnist;
import ddl.tasks.data.TrainTest;
import ddl.tasks.nn.MlpSpec;
import ddl.tasks.nn.ModelWeights;
import org.junit.jupiter.api.Test;

class TuneProbeTest {
  @Test
  void tune() {
    TrainTest data = TrainingRun.loadData(FashionMnist.DEFAULT_DIR, 0, 0);
    ModelWeights init = MlpSpec.parse(784, "256,128", 10).heInit(1);
    for (String cfg : System.getProperty("tune", "0.05,0.9,0.5,cosine").split(";")) {
      String[] p = cfg.split(",");
      double lr = Double.parseDouble(p[0]);
      float mom = Float.parseFloat(p[1]);
      double warm = Double.parseDouble(p[2]);
      try (InProcessReplicas r = InProcessReplicas.sharded(data, init, 2, 64, 1)) {
        int steps = r.stepsPerEpoch();
        TrainingPlan plan = new TrainingPlan(10, steps, new LearningRate(lr, LearningRate.Shape.parse(p[3]),
            10L * steps, Math.round(warm * steps)), mom);
        float[][] w = FloatArrays.copy(init.values());
        Trainer t = new SyncSgd(r, plan, w, new MomentumSgd(mom, w));
        StringBuilder accs = new StringBuilder();
        TrainingLoop.run(t, r, plan, 0, 0, new TrainingProgress() {
          @Override
          public void epochDone(EpochStats s, Trainer tr) {
            accs.append(String.format(" %.4f", s.testAccuracy()));
          }
        });
        System.out.println("TUNE " + cfg + ":" + accs);
      }
    }
  }
}
