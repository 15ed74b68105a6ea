package ddl.worker;

/** One line per log event: time, level, message. */
public final class Logging {
  private Logging() {}

  /** Sets the single-line format; call before the first logger is used. */
  public static void configure() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
    }
  }
}
