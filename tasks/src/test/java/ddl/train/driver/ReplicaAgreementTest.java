package ddl.train.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Replicas prove they agree: every driver compares the checksums of the workers' weights after
 * each epoch; a replica changed behind the drivers' back fails the run with a message naming the
 * workers, and replicas left alone pass every check.
 */
class ReplicaAgreementTest {
  private static final int ROWS = 600;
  private static final int FEATURES = 4;
  private static final int BATCH = 10;

  private static LocalReplicas workers(int n) {
    float[][] d = LinearReplicas.data(ROWS, FEATURES, 3);
    return LinearReplicas.of(FEATURES, d[0], d[1], n, ROWS / n / BATCH, LinearReplicas.sharded(ROWS, n, BATCH, 5),
        false, -1, WireFormat.FP32);
  }

  private static final List<Function<LocalReplicas, Trainer>> DRIVERS = List.of(
      r -> new SyncSgd(r, new LiveWorkers(r), DriverEquivalenceTest.plan(r), WireFormat.FP32),
      r -> new RingSgd(r, new LiveWorkers(r), DriverEquivalenceTest.plan(r), WireFormat.FP32, Duration.ofSeconds(20)));

  @Test
  void aReplicaThatDriftsFailsTheRunAtTheEpochsEnd() {
    for (Function<LocalReplicas, Trainer> driver : DRIVERS) {
      try (LocalReplicas r = workers(2)) {
        Trainer trainer = driver.apply(r);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainingLoop.run(trainer, r,
            DriverEquivalenceTest.plan(r), 0, 0, new TrainingProgress() {
              @Override
              public void stepDone(int epoch, int step, float loss) {
                if (epoch == 0 && step == 3) {
                  r.model(1).weights()[0][0] += 1e-3f; // one weight of worker 1 flipped, as a memory error would
                }
              }
            }));
        assertTrue(e.getMessage().startsWith("the replicas' weights differ after epoch 1"), e.getMessage());
        assertTrue(e.getMessage().contains(r.address(0)) && e.getMessage().contains(r.address(1)), e.getMessage());
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
      }
    }
  }

  @Test
  void replicasLeftAloneAgreeAfterEveryEpoch() {
    for (Function<LocalReplicas, Trainer> driver : DRIVERS) {
      try (LocalReplicas r = workers(3)) {
        List<EpochStats> epochs = TrainingLoop.run(driver.apply(r), r, DriverEquivalenceTest.plan(r), 0, 0,
            new TrainingProgress() {});
        assertEquals(r.model(0).checksum(), r.model(1).checksum());
        assertEquals(r.model(0).checksum(), r.model(2).checksum());
        assertEquals(DriverEquivalenceTest.plan(r).epochs(), epochs.size());
      }
    }
  }
}
