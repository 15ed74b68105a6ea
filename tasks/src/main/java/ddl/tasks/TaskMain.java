package ddl.tasks;

import ddl.transport.ConfigException;
import ddl.transport.DdlException;
import ddl.transport.cli.CommandLines;
import ddl.transport.cli.ProjectVersion;
import ddl.transport.cli.UsageException;
import ddl.transport.observe.LogFormat;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Entry point of {@code scripts/task NAME [options]}: runs a task main by name. */
public final class TaskMain {
  private static final Map<String, Consumer<String[]>> TASKS = new LinkedHashMap<>();
  private static final Map<String, String> SUMMARIES = new LinkedHashMap<>();

  static {
    add("ping", TaskPing::run, "round-trip latency, pipelined calls/s, bulk GB/s against one worker");
    add("remote-code", TaskRemoteCode::run, "ship a class only the master has, run it everywhere, show a remote error");
    add("sync-sgd", ddl.tasks.TaskSyncSgd::run, "train a model (--model mlp|cnn) on Fashion-MNIST or MNIST with sync SGD (or --average-every K)");
    add("async-sgd", ddl.tasks.TaskAsyncSgd::run, "train a model with a parameter server (--staleness S)");
    add("evaluate", ddl.tasks.TaskEvaluate::run, "test accuracy and top-k predictions of a checkpoint");
    add("bench", TaskBench::run, "one table of transport and sync SGD figures, medians of --reps runs (scripts/bench)");
    add("examples", ddl.tasks.examples.TaskExamples::run, "every kind of call against the workers, printing what each returned");
    add("export", TaskExport::run, "write a checkpoint as a NumPy .npz plus a JSON of its architecture");
  }

  private TaskMain() {}

  private static void add(String name, Consumer<String[]> main, String summary) {
    TASKS.put(name, main);
    SUMMARIES.put(name, summary);
  }

  public static void main(String[] arguments) {
    String[] format = new String[1];
    String[] args = arguments;
    try {
      args = LogFormat.strip(arguments, format);
      LogFormat.choose(format[0]).install();
    } catch (IllegalArgumentException e) {
      CommandLines.exitWithUsageError(new UsageException("scripts/task", e.getMessage()));
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println("Usage: scripts/task [--log-format text|json] NAME [options]   (scripts/task NAME --help for a"
          + " task's options)");
      System.out.println("Tasks:");
      SUMMARIES.forEach((k, v) -> System.out.printf("  %-12s %s%n", k, v));
      System.out.println("  CLASS        the main method of a task class of your own, such as com.example.MyTask"
          + " (scripts/task --class-path DIR|JAR CLASS [options])");
      System.out.println("--log-format json (or " + LogFormat.ENV + "=json) prints one JSON object per line.");
      System.out.println("Exit codes: 0 done, 1 the task failed, 2 bad options or configuration.");
      return;
    }
    if (args[0].equals("--version") || args[0].equals("-V")) {
      for (String line : new ProjectVersion().getVersion()) {
        System.out.println(line);
      }
      return;
    }
    Consumer<String[]> task = TASKS.get(args[0]) != null ? TASKS.get(args[0]) : ownMain(args[0]);
    String[] taskArgs = Arrays.copyOfRange(args, 1, args.length);
    run(() -> task.accept(taskArgs));
  }

  /**
   * The {@code public static void main(String[])} of task class {@code name}, found on the class
   * path ({@code scripts/task --class-path}); it runs as a task does (exit codes, messages).
   */
  private static Consumer<String[]> ownMain(String name) {
    java.lang.reflect.Method main;
    try {
      main = Class.forName(name).getMethod("main", String[].class);
    } catch (ClassNotFoundException | LinkageError e) {
      CommandLines.exitWithUsageError(new UsageException("scripts/task", "unknown task '" + name + "'; tasks: "
          + String.join(", ", TASKS.keySet()) + ", or the class name of a task of your own (its folder or jar given"
          + " with --class-path)"));
      return null;
    } catch (NoSuchMethodException e) {
      CommandLines.exitWithUsageError(new UsageException("scripts/task", "class " + name + " has no public static"
          + " void main(String[])"));
      return null;
    }
    return args -> {
      try {
        main.invoke(null, (Object) args);
      } catch (IllegalAccessException e) {
        throw new IllegalArgumentException("class " + name + ": its main method is not public", e);
      } catch (java.lang.reflect.InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
      }
    };
  }

  /**
   * Runs a task body; prints expected failures as one clear line and exits: 2 for options or a
   * configuration the task cannot use, 1 for a task that failed (workers lost, refused, ...).
   */
  public static void run(Runnable body) {
    System.setProperty("ai.djl.offline", "true");
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
    }
    try {
      body.run();
    } catch (UsageException e) {
      CommandLines.exitWithUsageError(e);
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(CommandLines.USAGE);
    } catch (DdlException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }
}
