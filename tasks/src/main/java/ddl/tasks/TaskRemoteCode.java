package ddl.tasks;

import ddl.master.Cluster;
import ddl.tasks.remote.PrimeCounter;
import ddl.train.RunRecord;
import ddl.transport.RemoteException;
import ddl.transport.cli.Range;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Ships {@link PrimeCounter}, a class only the master has, to every worker: runs it by class and
 * method name, as a lambda with one argument per worker, and once with a bad argument to show a
 * remote exception with the worker's stack.
 */
public final class TaskRemoteCode {
  private TaskRemoteCode() {}

  public static void main(String[] args) {
    TaskMain.run(() -> run(args));
  }

  /** The flags of {@code scripts/task remote-code}. */
  @Command(description = "Ships a class that exists only on the master, runs it on every worker, shows a remote error.")
  static final class Flags {
    @Mixin
    TaskOptions task;
    @Option(names = "--limit", paramLabel = "N", description = "count primes below N (default ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1_000_000_000)
    int limit = 2_000_000;
  }

  static void run(String[] args) {
    Flags flags = TaskOptions.parse("remote-code", new Flags(), args);
    if (flags == null) {
      return;
    }
    TaskOptions options = flags.task;
    int limit = flags.limit;
    RunRecord record = new RunRecord("remote-code");
    record.put("parameters", options.values());
    try (Cluster cluster = options.connect()) {
      System.out.println("connected to " + cluster.size() + " workers");

      List<PrimeCounter.Answer> byName = cluster.<PrimeCounter.Answer>runMethod(
          PrimeCounter.class, "describe", limit).await();
      System.out.println("PrimeCounter.describe(ctx, " + limit + ") by class and method name:");
      byName.forEach(a -> System.out.printf("  %-16s pid %-7d java %-10s primes below %,d: %,d (%,d us)%n",
          a.worker(), a.pid(), a.java(), a.limit(), a.primes(), a.micros()));

      List<Integer> limits = IntStream.range(0, cluster.size()).mapToObj(i -> (i + 1) * 100_000).toList();
      List<Integer> counts = cluster.scatter(limits, (ctx, n) -> PrimeCounter.countBelow(n)).await();
      System.out.println("a lambda with one argument per worker:");
      for (int i = 0; i < counts.size(); i++) {
        System.out.printf("  %-16s primes below %,d: %,d%n", cluster.worker(i).address(), limits.get(i), counts.get(i));
      }

      System.out.println("a call that throws on the worker:");
      try {
        cluster.worker(0).call(ctx -> PrimeCounter.countBelow(-1)).await();
        throw new IllegalStateException("the remote call should have failed");
      } catch (RemoteException e) {
        System.out.println("  " + e.getMessage());
        System.out.println("  remote stack:");
        for (StackTraceElement frame : e.getCause().getStackTrace()) {
          System.out.println("    at " + frame);
          if (frame.getClassName().startsWith("ddl.worker")) {
            break;
          }
        }
        record.put("remote_exception", e.remoteClassName() + ": " + e.remoteMessage());
      }
      List<Map<String, Object>> answers = new ArrayList<>();
      byName.forEach(a -> answers.add(Map.of("worker", a.worker(), "primes", a.primes(), "micros", a.micros())));
      record.put("answers", answers);
    }
    System.out.println("run record: " + record.write(Path.of("runs")));
  }
}
