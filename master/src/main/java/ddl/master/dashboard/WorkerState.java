package ddl.master.dashboard;

import ddl.transport.wire.Messages.WorkerStats;
import io.vertx.core.json.JsonObject;

/**
 * What the dashboard knows of one worker: whether it answered its last poll, when it last did, and
 * the figures it reported then (zero while it never answered).
 */
record WorkerState(String address, boolean up, String error, long lastSeenMillis, WorkerStats stats) {

  /** The worker as the page shows it; {@code now} gives the age of the last answer. */
  JsonObject toJson(long now) {
    JsonObject j = new JsonObject().put("address", address).put("up", up)
        .put("state", up ? "up" : "down")
        .put("last_seen_seconds_ago", lastSeenMillis == 0 ? null : (now - lastSeenMillis) / 1000.0);
    if (error != null) {
      j.put("error", error);
    }
    if (stats != null) {
      // The dashboard's own session is not counted.
      j.put("uptime_seconds", stats.uptimeMillis() / 1000.0).put("sessions", Math.max(0, stats.sessions() - 1))
          .put("calls_served", stats.callsServed()).put("bytes_in", stats.bytesIn()).put("bytes_out", stats.bytesOut())
          .put("heap_used_bytes", stats.heapUsedBytes()).put("heap_max_bytes", stats.heapMaxBytes())
          .put("device", stats.device()).put("calls_running", Math.max(0, stats.callsRunning() - 1));
    }
    return j;
  }
}
