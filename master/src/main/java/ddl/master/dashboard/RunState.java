package ddl.master.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One run as read from its event log ({@code runs/<id>.events.jsonl}): what it trains, how far it
 * is, its step losses and epoch figures, and its worker events. Fed line by line; not thread-safe
 * (the dashboard feeds it from one thread and copies it out under a lock).
 */
final class RunState {
  /** Most step points kept; beyond it every other point is dropped, so old stretches get coarser. */
  static final int MAX_POINTS = 4000;

  final String id;
  JsonObject started = new JsonObject();
  String status = "running";
  String error;
  int epoch;
  int epochs;
  int stepsPerEpoch;
  int step;
  long stepsDone;
  double lastT;
  Double loss;
  JsonObject lastEpoch;
  final List<double[]> points = new ArrayList<>();
  private int stride = 1;
  private long sinceKept;
  final JsonArray epochsDone = new JsonArray();
  final JsonArray workerEvents = new JsonArray();
  Integer liveWorkers;
  /** Times (t, seconds) of recent steps, for the step rate. */
  final Deque<Double> recent = new ArrayDeque<>();

  RunState(String id) {
    this.id = id;
  }

  /** Applies one event; returns the step point it added, or null. */
  double[] apply(JsonObject e) {
    double t = e.getDouble("t", lastT);
    lastT = t;
    switch (e.getString("type", "")) {
      case "run_started" -> {
        started = e.copy();
        epochs = e.getInteger("epochs", 0);
        stepsPerEpoch = e.getInteger("steps_per_epoch", 0);
        JsonArray workers = e.getJsonArray("workers");
        liveWorkers = workers == null ? null : workers.size();
      }
      case "epoch_started" -> {
        epoch = e.getInteger("epoch", epoch);
        epochs = e.getInteger("epochs", epochs);
        stepsPerEpoch = e.getInteger("steps", stepsPerEpoch);
        step = 0;
      }
      case "step" -> {
        epoch = e.getInteger("epoch", epoch);
        step = Math.max(step, e.getInteger("step", step));
        stepsDone++;
        Double l = e.getDouble("loss");
        recent.addLast(t);
        while (recent.size() > 200 || recent.size() > 1 && t - recent.peekFirst() > 10) {
          recent.removeFirst();
        }
        if (l != null) {
          loss = l;
          double x = (epoch - 1) + (stepsPerEpoch > 0 ? (double) step / stepsPerEpoch : 0);
          return keep(new double[] {x, l});
        }
      }
      case "epoch_done" -> {
        lastEpoch = e.copy();
        epochsDone.add(e.copy());
      }
      case "worker" -> {
        workerEvents.add(new JsonObject().put("t", t).put("time", e.getString("time"))
            .put("message", e.getString("message")));
        if (e.getInteger("live") != null) {
          liveWorkers = e.getInteger("live");
        }
      }
      case "run_finished" -> status = "finished";
      case "run_failed" -> {
        status = "failed";
        error = e.getString("error");
      }
      default -> { }
    }
    return null;
  }

  private double[] keep(double[] point) {
    if (++sinceKept < stride) {
      return null;
    }
    sinceKept = 0;
    points.add(point);
    if (points.size() > MAX_POINTS) {
      List<double[]> thinned = new ArrayList<>();
      for (int i = 0; i < points.size(); i += 2) {
        thinned.add(points.get(i));
      }
      points.clear();
      points.addAll(thinned);
      stride *= 2;
    }
    return point;
  }

  /** Steps per second over the last few seconds of steps. */
  double stepRate() {
    if (recent.size() < 2) {
      return 0;
    }
    double span = recent.peekLast() - recent.peekFirst();
    return span <= 0 ? 0 : (recent.size() - 1) / span;
  }

  /** Samples per second: each step is one batch per live worker (per worker in async mode). */
  double samplesPerSecond() {
    int batch = started.getInteger("batch_per_worker", 0);
    int perStep = "async".equals(started.getString("mode")) ? 1 : liveWorkers == null ? 1 : liveWorkers;
    return stepRate() * batch * perStep;
  }

  /** Seconds until the last epoch ends at the current step rate (evaluations not counted), or null. */
  Double etaSeconds() {
    double rate = stepRate();
    if (rate <= 0 || !"running".equals(status) || stepsPerEpoch <= 0) {
      return null;
    }
    long left = (long) (epochs - epoch) * stepsPerEpoch + (stepsPerEpoch - step);
    return Math.max(0, left) / rate;
  }

  /** Everything but the step points. */
  JsonObject summary() {
    JsonObject j = new JsonObject().put("id", id).put("status", status).put("task", started.getString("task"))
        .put("description", started.getString("description")).put("model", started.getString("model"))
        .put("workers", started.getJsonArray("workers")).put("live_workers", liveWorkers)
        .put("epoch", epoch).put("epochs", epochs).put("step", step).put("steps_per_epoch", stepsPerEpoch)
        .put("steps_done", stepsDone).put("loss", loss).put("eta_seconds", etaSeconds())
        .put("samples_per_second", Math.round(samplesPerSecond())).put("epochs_done", epochsDone.copy())
        .put("worker_events", workerEvents.copy()).put("settings", started.getJsonObject("settings"))
        .put("started_time", started.getString("time")).put("pid", started.getLong("pid"))
        .put("host", started.getString("host"));
    if (lastEpoch != null) {
      j.put("test_accuracy", lastEpoch.getDouble("test_accuracy")).put("test_loss", lastEpoch.getDouble("test_loss"))
          .put("compute_share", lastEpoch.getDouble("compute_share"))
          .put("communication_share", lastEpoch.getDouble("communication_share"))
          .put("master_share", lastEpoch.getDouble("master_share"));
    }
    if (error != null) {
      j.put("error", error);
    }
    return j;
  }

  /** The summary with every kept step point as {@code [x, loss]} (x in epochs). */
  JsonObject full() {
    JsonArray pts = new JsonArray();
    for (double[] p : points) {
      pts.add(new JsonArray().add(p[0]).add(p[1]));
    }
    return summary().put("points", pts);
  }
}
