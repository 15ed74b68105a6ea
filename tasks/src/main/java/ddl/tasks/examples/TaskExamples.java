package ddl.tasks.examples;

import ddl.master.Cluster;
import ddl.master.ConnectOptions;
import ddl.master.MapOptions;
import ddl.master.ProxyWorker;
import ddl.master.Settled;
import ddl.tasks.TaskMain;
import ddl.tasks.TaskOptions;
import ddl.tasks.remote.PrimeCounter;
import ddl.transport.CallCancelledException;
import ddl.transport.CallFuture;
import ddl.transport.CallOptions;
import ddl.transport.CallTimeoutException;
import ddl.transport.RemoteFunction2;
import ddl.transport.wire.Messages.WorkerStats;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs each kind of call DDL offers against the real workers and prints what came back: typed
 * calls with several arguments, a call by name with widening, cancelling a CPU-bound call, a
 * per-call deadline, map,
 * asCompleted, all-settled, keys, a named session across reconnecting, a user exception, and
 * values (a date, a cyclic graph) that travel and return. Fails (exit code 1) if any answer is wrong.
 */
public final class TaskExamples {
  /** The session name the example keeps across reconnecting. */
  static final String SESSION = "examples";

  private TaskExamples() {}

  public static void main(String[] args) {
    TaskMain.run(() -> run(args));
  }

  /** The flags of {@code scripts/task examples}. */
  @Command(description = "Runs every kind of call against the workers and prints what each returned.")
  static final class Flags {
    @Mixin
    TaskOptions task;
  }

  public static void run(String[] args) {
    Flags flags = TaskOptions.parse("examples", new Flags(), args);
    if (flags == null) {
      return;
    }
    try (Cluster cluster = flags.task.connect(ConnectOptions.session(SESSION))) {
      System.out.println("connected to " + cluster.size() + " workers, session '" + SESSION + "'");
      typedCalls(cluster.worker(0));
      byName(cluster);
      cancel(cluster.worker(0));
      deadline(cluster.worker(0));
      map(cluster);
      asCompleted(cluster);
      allSettled(cluster);
      keysAndObjects(cluster.worker(0));
      userException(cluster.worker(0));
      values(cluster.worker(0));
    }
    namedSessionSurvivesReconnecting(flags.task);
    System.out.println("all examples returned what they should");
  }

  private static void show(String what, Object value) {
    System.out.printf("  %-44s -> %s%n", what, value);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new ddl.transport.DdlException("example failed: " + what);
    }
  }

  private static void typedCalls(ProxyWorker w) {
    System.out.println("typed calls, checked by the compiler:");
    String summary = w.call(Calc::summary, "weights", List.of(0.5, 1.5, 2.0), 10).await();
    show("call(Calc::summary, \"weights\", [0.5, 1.5, 2.0], 10)", summary);
    check(summary.equals("weights: n=3 sum*scale=40.0"), "summary");
    int primes = w.call(PrimeCounter::countBelow, 1000).await();
    show("call(PrimeCounter::countBelow, 1000)", primes);
    check(primes == 168, "primes below 1000");
    RemoteFunction2<String, Integer, String> where = (ctx, prefix, n) -> prefix + n + "@" + ctx.workerAddress();
    String answer = w.call(where, "x", 7).await();
    show("call((ctx, prefix, n) -> ..., \"x\", 7)", answer);
    check(answer.equals("x7@" + w.address()), "lambda with the session and two arguments");
  }

  private static void byName(Cluster cluster) {
    System.out.println("by name, resolved on the master with Java's rules:");
    List<Double> scaled = cluster.<Double>runMethod(Calc.class, "scale", 3, 2).await();
    show("runMethod(Calc.class, \"scale\", 3, 2)  [int->long, int->double]", scaled);
    check(scaled.stream().allMatch(x -> x == 6.0), "scale by name");
    try {
      cluster.worker(0).runMethod(Calc.class, "scale", "three", 2).await();
      check(false, "a mismatch must fail");
    } catch (ddl.transport.DdlException e) {
      show("runMethod(Calc.class, \"scale\", \"three\", 2)", e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static void cancel(ProxyWorker w) {
    System.out.println("cancelling a CPU-bound call:");
    int before = w.stats().await().callsRunning();
    CallFuture<Long> spin = w.call(Calc::spin);
    int during = awaitRunning(w, before + 1);
    show("calls running on the worker while it spins", during - 1);
    boolean cancelled = spin.cancel();
    show("cancel()", cancelled + ", the future failed with "
        + (spin.failed() && spin.cause() instanceof CallCancelledException ? "CallCancelledException" : spin.cause()));
    int after = awaitRunning(w, before);
    WorkerStats stats = w.stats().await();
    show("calls running after the cancel", after - 1);
    show("runaway calls (cancelled but still running)", stats.runawayCalls());
    check(cancelled && after == before && stats.runawayCalls() == 0, "cancel stops the worker's thread");
  }

  private static void deadline(ProxyWorker w) {
    System.out.println("per-call options: a deadline of 300 ms on one call:");
    int before = w.stats().await().callsRunning();
    try {
      w.with(CallOptions.timeout(Duration.ofMillis(300))).call(Calc::spin).await();
      check(false, "spin must time out");
    } catch (CallTimeoutException e) {
      show("with(CallOptions.timeout(300 ms)).call(Calc::spin)", "CallTimeoutException");
    }
    int after = awaitRunning(w, before);
    show("calls running after the deadline", after - 1);
    check(after == before, "a call past its deadline stops on the worker");
  }

  /** Polls the worker's stats until {@code n} calls run (the stats request itself is one); at most 10 s. */
  private static int awaitRunning(ProxyWorker w, int n) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int running;
    while ((running = w.stats().await().callsRunning()) != n && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return running;
  }

  private static void map(Cluster cluster) {
    System.out.println("map over 100 items, at most 4 in flight per worker:");
    List<Integer> limits = IntStream.range(0, 100).map(i -> 1000 + 100 * i).boxed().toList();
    List<Integer> counts = cluster.map(limits, PrimeCounter::countBelow).await();
    show("map(limits, PrimeCounter::countBelow): first 5", counts.subList(0, 5));
    check(counts.size() == 100 && counts.get(0) == 168, "map results in item order");
    List<Settled<Integer>> settled = cluster.mapSettled(limits, MapOptions.inFlightPerWorker(2),
        PrimeCounter::countBelow).await();
    Map<String, Integer> perWorker = new TreeMap<>();
    settled.forEach(s -> perWorker.merge(s.worker(), 1, Integer::sum));
    show("items per worker", perWorker);
    check(settled.stream().map(Settled::value).toList().equals(counts), "mapSettled agrees with map");
  }

  private static void asCompleted(Cluster cluster) {
    System.out.println("asCompleted: outcomes in the order they arrive (the last worker answers first):");
    int n = cluster.size();
    for (int i = 0; i < n; i++) {
      cluster.worker(i).put("index", i).await();
    }
    List<Future<Settled<String>>> arriving = cluster.asCompleted(ctx -> {
      int index = ctx.<Integer>get("index");
      Thread.sleep(200L * (n - 1 - index));
      return "worker " + index + " (slept " + 200 * (n - 1 - index) + " ms)";
    });
    for (Future<Settled<String>> f : arriving) {
      show("next to finish", f.await().value());
    }
  }

  private static void allSettled(Cluster cluster) {
    System.out.println("callAllSettled: every worker's result or failure (the last one fails on purpose):");
    int last = cluster.size() - 1;
    List<Settled<String>> all = cluster.callAllSettled(ctx -> {
      if (ctx.<Integer>get("index") == last) {
        throw new IllegalStateException("worker " + last + " fails on purpose");
      }
      return "ok from " + ctx.workerAddress();
    }).await();
    all.forEach(s -> show("worker " + s.index(), s.succeeded() ? s.value() : "failed: " + s.failure().getMessage()));
    check(all.size() == cluster.size() && !all.get(last).succeeded()
        && all.subList(0, last).stream().allMatch(Settled::succeeded), "all settled");
  }

  private static void keysAndObjects(ProxyWorker w) {
    System.out.println("session objects (show_data) and instance methods on a named object:");
    w.put("counter", new Calc.Counter()).await();
    w.callOn("counter", Calc.Counter::step, 5).await();
    long total = w.callOn("counter", Calc.Counter::step, 37).await();
    show("callOn(\"counter\", Counter::step, 5), then 37", total);
    check(total == 42, "the same object keeps its state");
    List<String> keys = w.keys().await();
    show("keys()", keys);
    check(keys.containsAll(List.of("counter", "index")), "keys");
  }

  private static void userException(ProxyWorker w) {
    System.out.println("a user exception thrown on the worker:");
    try {
      w.call(Calc::withdraw, 10, 25).await();
      check(false, "withdraw must fail");
    } catch (Calc.InsufficientFunds e) {
      show("catch (Calc.InsufficientFunds e)", e.getMessage() + "  [worker frame: " + e.getStackTrace()[0] + "]");
    }
  }

  private static void values(ProxyWorker w) {
    System.out.println("values that travel both ways:");
    LocalDate date = w.call(d -> d.plusDays(1), LocalDate.of(2024, 2, 28)).await();
    show("call(d -> d.plusDays(1), 2024-02-28)", date);
    check(date.equals(LocalDate.of(2024, 2, 29)), "LocalDate");
    Calc.Node a = new Calc.Node("a");
    a.next = new Calc.Node("b");
    a.next.next = a;
    Calc.Node back = w.call(node -> {
      node.next.name = node.next.name + "'"; // changed on the worker, the cycle kept
      return node;
    }, a).await();
    show("a -> b -> a, returned", back.name + " -> " + back.next.name + " -> " + back.next.next.name
        + ", cycle kept: " + (back.next.next == back));
    check(back.next.next == back && back.next.name.equals("b'"), "cyclic graph");
  }

  private static void namedSessionSurvivesReconnecting(TaskOptions task) {
    System.out.println("the named session after closing the cluster and connecting again:");
    try (Cluster again = task.connect(ConnectOptions.session(SESSION))) {
      ProxyWorker w = again.worker(0);
      show("keys()", w.keys().await());
      long total = w.callOn("counter", Calc.Counter::step, 1).await();
      show("callOn(\"counter\", Counter::step, 1)", total);
      check(total == 43, "the named session kept the counter");
      w.reset().await(); // leave nothing behind for the next run
    }
  }
}
