package ddl.master;

import java.io.PrintStream;

/** Runs {@link ClusterTool} in this JVM, for tests in other packages. */
public final class ClusterToolAccess {
  private ClusterToolAccess() {}

  public static int run(String[] args, PrintStream out) {
    return ClusterTool.run(args, out);
  }
}
