package ddl.master.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The running task's figures as Prometheus meters ({@code ddl_run_*}), from its event log: steps,
 * step time, samples/s, loss, test accuracy, epoch, live workers.
 */
final class RunMetrics {
  private final Counter steps;
  private final Counter epochs;
  private final Timer stepTime;
  private volatile double samplesPerSecond;
  private volatile double loss = Double.NaN;
  private volatile double accuracy = Double.NaN;
  private volatile double epoch;
  private volatile double liveWorkers = Double.NaN;
  private volatile double running;
  private double lastStepT = -1;
  private int lastStepEpoch = -1;

  RunMetrics(MeterRegistry registry) {
    steps = Counter.builder("ddl.run.steps").description("training steps finished (all runs followed)")
        .register(registry);
    epochs = Counter.builder("ddl.run.epochs").description("epochs finished (all runs followed)").register(registry);
    stepTime = Timer.builder("ddl.run.step.duration").description("time between consecutive steps of an epoch")
        .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(registry);
    Gauge.builder("ddl.run.samples.per.second", this, m -> m.samplesPerSecond)
        .description("training samples per second over the last seconds of steps").register(registry);
    Gauge.builder("ddl.run.loss", this, m -> m.loss).description("batch loss of the last step").register(registry);
    Gauge.builder("ddl.run.accuracy", this, m -> m.accuracy).description("test accuracy after the last epoch")
        .baseUnit("ratio").register(registry);
    Gauge.builder("ddl.run.epoch", this, m -> m.epoch).description("1-based epoch of the run").register(registry);
    Gauge.builder("ddl.run.live.workers", this, m -> m.liveWorkers).description("workers taking part in the run")
        .register(registry);
    Gauge.builder("ddl.run.running", this, m -> m.running).description("1 while a run is in progress")
        .register(registry);
  }

  /** Counts one event as it is read. */
  void observe(JsonObject event, RunState run) {
    switch (event.getString("type", "")) {
      case "step" -> {
        steps.increment();
        double t = event.getDouble("t", -1.0);
        int e = event.getInteger("epoch", -1);
        if (lastStepT >= 0 && e == lastStepEpoch && t >= lastStepT) {
          stepTime.record(Math.round((t - lastStepT) * 1e6), TimeUnit.MICROSECONDS);
        }
        lastStepT = t;
        lastStepEpoch = e;
      }
      case "epoch_done" -> epochs.increment();
      default -> { }
    }
  }

  /** Takes the run's current figures. */
  void update(RunState run) {
    samplesPerSecond = "running".equals(run.status) ? run.samplesPerSecond() : 0;
    loss = run.loss == null ? Double.NaN : run.loss;
    accuracy = run.lastEpoch == null ? Double.NaN : run.lastEpoch.getDouble("test_accuracy", Double.NaN);
    epoch = run.epoch;
    liveWorkers = run.liveWorkers == null ? Double.NaN : run.liveWorkers;
    running = "running".equals(run.status) ? 1 : 0;
  }
}
