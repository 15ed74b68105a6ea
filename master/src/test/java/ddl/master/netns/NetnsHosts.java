package ddl.master.netns;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts as Linux network namespaces on one machine: a bridge {@code ddlt-br} at 198.18.0.1
 * (the range set aside for network tests) and one namespace per host at 198.18.0.11, .12, ...
 * joined to it by a veth pair. Needs root; touches only the names it makes. The names are fixed,
 * so a machine-wide file lock makes test runs that want them at the same time (several checkouts
 * on one machine) take turns instead of deleting each other's hosts.
 */
public final class NetnsHosts implements AutoCloseable {
  static final String PREFIX = "ddlt";
  static final String BRIDGE = PREFIX + "-br";
  private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "ddl-netns-hosts.lock");
  private final int count;
  private final FileChannel lockFile;
  private final FileLock lock;

  private NetnsHosts(int count, FileChannel lockFile, FileLock lock) {
    this.count = count;
    this.lockFile = lockFile;
    this.lock = lock;
  }

  /** Whether this process may create namespaces (root, with the ip tool present). */
  public static boolean available() {
    try {
      return "0".equals(run(false, "id", "-u").trim()) && run(false, "ip", "netns", "list") != null;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Makes {@code count} hosts, waiting first while another process holds them. */
  public static NetnsHosts create(int count) throws IOException, InterruptedException {
    FileChannel lockFile = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    NetnsHosts hosts = new NetnsHosts(count, lockFile, lockFile.lock());
    try {
      removeLeftovers(count);
      build(count);
    } catch (IOException | InterruptedException | RuntimeException e) {
      hosts.close();
      throw e;
    }
    return hosts;
  }

  private static void build(int count) throws IOException, InterruptedException {
    run(true, "ip", "link", "add", BRIDGE, "type", "bridge");
    run(true, "ip", "addr", "add", "198.18.0.1/24", "dev", BRIDGE);
    run(true, "ip", "link", "set", BRIDGE, "up");
    for (int i = 1; i <= count; i++) {
      String ns = namespace(i);
      String outside = PREFIX + "-v" + i;
      String inside = PREFIX + "-p" + i;
      run(true, "ip", "netns", "add", ns);
      run(true, "ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
      run(true, "ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
      run(true, "ip", "link", "set", inside, "netns", ns);
      run(true, "ip", "link", "set", outside, "master", BRIDGE);
      run(true, "ip", "link", "set", outside, "up");
      run(true, "ip", "netns", "exec", ns, "ip", "addr", "add", address(i) + "/24", "dev", inside);
      run(true, "ip", "netns", "exec", ns, "ip", "link", "set", inside, "up");
      run(true, "ip", "netns", "exec", ns, "ip", "route", "add", "default", "via", "198.18.0.1");
    }
  }

  /** The address of host {@code i} (1-based). */
  public static String address(int i) {
    return "198.18.0." + (10 + i);
  }

  public static String namespace(int i) {
    return PREFIX + "-h" + i;
  }

  /** The command prefix that runs a program inside host {@code i}. */
  public static List<String> inHost(int i) {
    return List.of("ip", "netns", "exec", namespace(i));
  }

  /** Cuts (or restores) host {@code i}'s only link. */
  public void link(int i, boolean up) throws IOException, InterruptedException {
    run(true, "ip", "link", "set", PREFIX + "-v" + i, up ? "up" : "down");
  }

  @Override
  public void close() {
    try {
      removeLeftovers(count);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("could not remove the test namespaces: " + e.getMessage(), e);
    } finally {
      try {
        lock.release();
        lockFile.close();
      } catch (IOException e) {
        // the lock goes with the process at the latest
      }
    }
  }

  private static void removeLeftovers(int count) throws IOException, InterruptedException {
    for (int i = 1; i <= Math.max(count, 8); i++) {
      run(false, "ip", "netns", "del", namespace(i));
      run(false, "ip", "link", "del", PREFIX + "-v" + i);
    }
    run(false, "ip", "link", "del", BRIDGE);
  }

  private static String run(boolean check, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish");
    }
    if (check && p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }
    return out;
  }
}
