package ddl.master.dashboard;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Whether a host name written by a task main names this machine. */
final class LocalHost {
  private LocalHost() {}

  static boolean isThisMachine(String host) {
    if (host == null) {
      return false;
    }
    try {
      return host.equals(InetAddress.getLocalHost().getHostName()) || host.equals("localhost");
    } catch (UnknownHostException e) {
      return host.equals("localhost");
    }
  }
}
