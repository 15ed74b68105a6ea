package ddl.transport.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What {@code --version} prints: DDL's version (from the build) and the Java that runs it. */
public final class ProjectVersion implements IVersionProvider {
  private static final String VERSION = read();

  /** The project version the build wrote into this module, such as {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return VERSION;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"DDL " + VERSION, "Java " + Runtime.version() + " (" + System.getProperty("java.vendor")
        + "), " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
  }

  private static String read() {
    try (InputStream in = ProjectVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown (built without its version resource)";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
