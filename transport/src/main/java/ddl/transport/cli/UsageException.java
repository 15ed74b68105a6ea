package ddl.transport.cli;

/**
 * A command line the program cannot use: an unknown option, a missing or malformed value, a value
 * out of range. Mains print its message as one line and exit with {@link CommandLines#USAGE}.
 */
public class UsageException extends IllegalArgumentException {
  private final String command;

  public UsageException(String command, String message) {
    super(message);
    this.command = command;
  }

  /** The command whose line was wrong, such as {@code scripts/task sync-sgd}, for the pointer to its --help. */
  public String command() {
    return command;
  }

  /** The error as mains print it: one line that names the command and points at its --help. */
  public String oneLine() {
    return command + ": " + getMessage() + " (see " + command + " --help)";
  }
}
