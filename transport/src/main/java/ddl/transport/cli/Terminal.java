package ddl.transport.cli;

import ddl.transport.observe.LogFormat;
import java.io.Console;

/** Whether standard output is an interactive terminal, where a progress bar may redraw in place. */
public final class Terminal {
  private Terminal() {}

  /** False for a file, a pipe, JSON logs, or {@code TERM=dumb}. */
  public static boolean isInteractive() {
    if (LogFormat.active() == LogFormat.JSON || "dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // Java 22+: a console may exist while output is redirected; isTerminal() tells.
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // Java 21: System.console() is null unless input and output are a terminal
    }
  }
}
