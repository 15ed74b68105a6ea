package ddl.tasks;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** iperf3 over loopback: the bandwidth one TCP stream gets on this machine, the yardstick of the bulk path. */
final class Iperf3 {
  private Iperf3() {}

  /** One run of {@code seconds}: a server on a free port, one client; the receiver's GB/s (10^9 bytes). */
  static double loopbackGigabytesPerSecond(String binary, int seconds) {
    int port = freePort();
    Process server = start(List.of(binary, "-s", "-1", "-p", Integer.toString(port)));
    try {
      String json = null;
      for (int attempt = 0; attempt < 50 && json == null; attempt++) {
        Process client = start(List.of(binary, "-J", "-c", "127.0.0.1", "-p", Integer.toString(port),
            "-t", Integer.toString(seconds)));
        String out = output(client, seconds + 30);
        if (client.exitValue() == 0) {
          json = out;
        } else {
          sleep(100); // the server is not listening yet
        }
      }
      if (json == null) {
        throw new IllegalStateException("iperf3 could not measure loopback bandwidth; run '" + binary + " -s' and '"
            + binary + " -c 127.0.0.1' by hand to see why");
      }
      JsonObject end = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("end");
      double bitsPerSecond = end.getAsJsonObject("sum_received").get("bits_per_second").getAsDouble();
      return bitsPerSecond / 8 / 1e9;
    } finally {
      server.destroy();
    }
  }

  private static Process start(List<String> command) {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot run " + command.get(0) + " (" + e.getMessage() + "); install iperf3"
          + " (scripts/bench does) or pass --iperf3 PATH", e);
    }
  }

  private static String output(Process p, int timeoutSeconds) {
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("iperf3 did not finish within " + timeoutSeconds + " s");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while iperf3 ran", e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for iperf3", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for iperf3", e);
    }
  }
}
