package ddl.transport.observe;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * How a DDL process writes its log: {@code text} (one line per event: time, level, message) or
 * {@code json} (one JSON object per line, for log collectors). Chosen by {@code --log-format}, else
 * by the environment variable {@value #ENV}, else text. In JSON mode everything the process prints
 * on standard output and error becomes JSON lines too, so a log file holds nothing else.
 */
public enum LogFormat {
  TEXT, JSON;

  /** The environment variable that picks the format when no option does. */
  public static final String ENV = "DDL_LOG_FORMAT";
  /** The command-line option every DDL main takes. */
  public static final String OPTION = "--log-format";

  private static volatile LogFormat active = TEXT;

  /** Parses {@code text} or {@code json}; the error names the allowed values. */
  public static LogFormat parse(String value, String where) {
    return switch (value == null ? "" : value.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException(where + " is '" + value + "'; use text or json");
    };
  }

  /** The format {@code option} asks for, or the environment's, or text. */
  public static LogFormat choose(String option) {
    if (option != null) {
      return parse(option, OPTION);
    }
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? TEXT : parse(env, "the environment variable " + ENV);
  }

  /** The format this process logs in. */
  public static LogFormat active() {
    return active;
  }

  /**
   * Removes {@code --log-format VALUE} (or {@code --log-format=VALUE}) from {@code args} and
   * returns its value in {@code found[0]} (null when absent); for mains that hand their arguments on.
   */
  public static String[] strip(String[] args, String[] found) {
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(OPTION)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(OPTION + " needs a value: text or json");
        }
        found[0] = args[++i];
      } else if (args[i].startsWith(OPTION + "=")) {
        found[0] = args[i].substring(OPTION.length() + 1);
      } else {
        rest.add(args[i]);
      }
    }
    return rest.toArray(String[]::new);
  }

  /**
   * Sets up java.util.logging (and in JSON mode standard output and error) for this format; call
   * first thing in a main.
   */
  public void install() {
    active = this;
    if (this == TEXT) {
      if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
      }
      return;
    }
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    System.setOut(new PrintStream(new JsonLines(out, "INFO", "stdout"), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new JsonLines(err, "ERROR", "stderr"), true, StandardCharsets.UTF_8));
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    // ConsoleHandler captures System.err when it is made, which is our JSON-line stream: write
    // already formatted records to the raw stream instead.
    ConsoleHandler handler = new ConsoleHandler() {
      @Override
      public synchronized void publish(java.util.logging.LogRecord record) {
        if (isLoggable(record)) {
          err.print(getFormatter().format(record));
          err.flush();
        }
      }
    };
    handler.setFormatter(new JsonLogFormatter());
    root.addHandler(handler);
  }
}
