package ddl.transport.cli;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Every DDL main parses its command line here, with picocli: {@code --help} and {@code --version}
 * on every command, strict numbers, {@link Range} checks, {@link Validated} checks, and usage errors
 * as one {@link UsageException} whose message fits on a line.
 */
public final class CommandLines {
  /** Exit status of a usage or configuration error. */
  public static final int USAGE = 2;

  private CommandLines() {}

  /** A picocli command line for {@code command} (and its subcommands) with DDL's settings. */
  public static CommandLine create(Object command) {
    CommandLine cl = new CommandLine(command);
    cl.setExpandAtFiles(false); // "@file" is a path like any other, not a file of arguments
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setUsageHelpWidth(100);
    configure(cl);
    return cl;
  }

  private static void configure(CommandLine cl) {
    CommandSpec spec = cl.getCommandSpec();
    spec.mixinStandardHelpOptions(true);
    spec.versionProvider(new ProjectVersion());
    spec.usageMessage().abbreviateSynopsis(true).sortOptions(false).optionListHeading("%nOptions:%n")
        .commandListHeading("%nCommands:%n");
    cl.getSubcommands().values().forEach(CommandLines::configure);
  }

  /**
   * Parses {@code args} into {@code command}'s annotated fields. Returns false after printing the
   * usage or the version (for {@code --help} or {@code --version}), true when the command should run.
   *
   * @throws UsageException for anything the command cannot use
   */
  public static boolean parse(Object command, String[] args) {
    return parse(create(command), args) != null;
  }

  /**
   * Parses {@code args} with {@code cl}; the parse result, or null after printing the usage or the
   * version of the command (or subcommand) that was asked for it.
   *
   * @throws UsageException for anything the command cannot use
   */
  public static ParseResult parse(CommandLine cl, String[] args) {
    ParseResult result;
    try {
      result = cl.parseArgs(args);
    } catch (ParameterException e) {
      throw new UsageException(e.getCommandLine().getCommandName(), oneLine(e));
    }
    if (CommandLine.printHelpIfRequested(result)) {
      return null;
    }
    for (ParseResult r = result; r != null; r = r.subcommand()) {
      check(r);
    }
    return result;
  }

  /** The options given on the command line as typed, such as {@code lr -> 0.1}, for run records. */
  public static Map<String, String> given(ParseResult result) {
    Map<String, String> given = new LinkedHashMap<>();
    for (ParseResult r = result; r != null; r = r.subcommand()) {
      for (OptionSpec o : r.matchedOptions()) {
        List<String> values = o.originalStringValues();
        given.put(o.longestName().replaceFirst("^-+", ""), values.isEmpty() ? "true" : String.join(",", values));
      }
    }
    return given;
  }

  /**
   * A converter for picocli's {@code converter} attribute or {@code registerConverter} from a
   * parser that throws {@link IllegalArgumentException} with a message fit for the user.
   */
  public static <T> CommandLine.ITypeConverter<T> converter(Function<String, T> parse) {
    return text -> {
      try {
        return parse.apply(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }

  /** Prints a usage error as one line, pointing at the command's --help, and exits with {@link #USAGE}. */
  public static void exitWithUsageError(UsageException e) {
    System.err.println(e.oneLine());
    System.exit(USAGE);
  }

  private static String oneLine(ParameterException e) {
    String message = e.getMessage().strip().replaceAll("\\s*\\R\\s*", "; ");
    if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      message += "; did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3).toList()) + "?";
    }
    return message;
  }

  /** Checks the {@link Range}s of the options given and the {@link Validated} command and mixins. */
  private static void check(ParseResult parsed) {
    CommandSpec spec = parsed.commandSpec();
    for (OptionSpec o : parsed.matchedOptions()) {
      if (o.userObject() instanceof Field f && f.getAnnotation(Range.class) != null
          && o.getValue() instanceof Number n) {
        String problem = outside(f.getAnnotation(Range.class), n.doubleValue());
        if (problem != null) {
          List<String> typed = o.originalStringValues();
          throw new UsageException(spec.qualifiedName(), o.longestName() + " must be " + problem + ", not "
              + (typed.isEmpty() ? n : typed.get(typed.size() - 1)));
        }
      }
    }
    validate(spec, spec.qualifiedName());
  }

  private static void validate(CommandSpec spec, String command) {
    for (CommandSpec mixin : spec.mixins().values()) {
      validate(mixin, command);
    }
    if (spec.userObject() instanceof Validated v) {
      try {
        v.validate();
      } catch (UsageException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new UsageException(command, e.getMessage());
      }
    }
  }

  /** What {@code v} must be when it is outside {@code r} (such as "> 0 and <= 10"), or null. */
  static String outside(Range r, double v) {
    boolean ok = v >= r.min() && v > r.above() && v <= r.max() && v < r.below(); // false for NaN
    if (ok) {
      return null;
    }
    StringBuilder s = new StringBuilder();
    bound(s, ">=", r.min());
    bound(s, ">", r.above());
    bound(s, "<=", r.max());
    bound(s, "<", r.below());
    return s.isEmpty() ? "a number" : s.toString();
  }

  private static void bound(StringBuilder s, String op, double limit) {
    if (Double.isInfinite(limit)) {
      return;
    }
    s.append(s.isEmpty() ? "" : " and ").append(op).append(' ');
    s.append(limit == Math.rint(limit) && Math.abs(limit) < 1e15
        ? String.format(Locale.ROOT, "%,d", (long) limit) : String.format(Locale.ROOT, "%s", limit));
  }
}
