package ddl.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the dashboard listens (config keys {@code dashboard.enabled}, {@code dashboard.host},
 * {@code dashboard.port}). On loopback it is open to this machine; bound elsewhere it asks for the
 * cluster secret or a token derived from it.
 */
public record DashboardConfig(boolean enabled, String host, int port) {
  /** The default port, also the one the README names. */
  public static final int DEFAULT_PORT = 7100;

  /** Enabled, on 127.0.0.1:7100. */
  public static DashboardConfig defaults() {
    return new DashboardConfig(true, "127.0.0.1", DEFAULT_PORT);
  }

  /** Whether {@code host} is a loopback address (or a name that resolves only to loopback). */
  public boolean loopbackOnly() {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
