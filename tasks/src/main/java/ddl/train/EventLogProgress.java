package ddl.train;

import ddl.train.driver.EpochStats;
import ddl.train.driver.ModelState;
import ddl.train.driver.TrainingProgress;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a run's epochs and steps to its event log, then hands them to {@code next}. */
final class EventLogProgress implements TrainingProgress {
  private final TrainingProgress next;
  private final RunEvents events;

  EventLogProgress(TrainingProgress next, RunEvents events) {
    this.next = next;
    this.events = events;
  }

  @Override
  public void epochStarting(int epoch, int epochs, int steps) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("epoch", epoch + 1);
    f.put("epochs", epochs);
    f.put("steps", steps);
    events.write("epoch_started", f);
    next.epochStarting(epoch, epochs, steps);
  }

  @Override
  public void stepDone(int epoch, int step, float loss) {
    events.step(epoch + 1, step + 1, loss);
    next.stepDone(epoch, step, loss);
  }

  @Override
  public void epochDone(EpochStats stats, ModelState state) {
    events.write("epoch_done", stats.toMap());
    next.epochDone(stats, state);
  }
}
