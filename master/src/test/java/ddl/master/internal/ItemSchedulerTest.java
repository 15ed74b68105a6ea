package ddl.master.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.master.MapFailedException;
import ddl.master.Settled;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Spreading items over workers, with calls completed by hand so every interleaving is chosen here. */
class ItemSchedulerTest {
  /** Calls made so far, each with its worker and item, completed by the test. */
  private final List<Call> calls = new ArrayList<>();
  private final Map<String, Integer> inFlight = new HashMap<>();
  private final Map<String, Integer> mostInFlight = new HashMap<>();
  private final Set<String> down = ConcurrentHashMap.newKeySet();

  private record Call(String worker, int item, Promise<Integer> promise) {}

  private Future<Integer> call(String worker, Integer item) {
    Promise<Integer> p = Promise.promise();
    calls.add(new Call(worker, item, p));
    int n = inFlight.merge(worker, 1, Integer::sum);
    mostInFlight.merge(worker, n, Math::max);
    p.future().onComplete(ar -> inFlight.merge(worker, -1, Integer::sum));
    return p.future();
  }

  private Future<List<Settled<Integer>>> run(List<Integer> items, int perWorker, boolean settle) {
    return ItemScheduler.run(List.of("a", "b"), w -> !down.contains(w), w -> w, this::call, items, perWorker, settle);
  }

  /** Completes the oldest open call with item * 10, or fails it when {@code fail} says so. */
  private void answerAll(java.util.function.IntPredicate fail) {
    for (int i = 0; i < calls.size(); i++) { // the list grows as answers free slots
      Call c = calls.get(i);
      if (fail.test(c.item())) {
        c.promise().tryFail(new IllegalStateException("item " + c.item() + " is bad"));
      } else {
        c.promise().tryComplete(c.item() * 10);
      }
    }
  }

  @Test
  void resultsComeInItemOrderWithABoundPerWorker() {
    List<Integer> items = IntStream.range(0, 100).boxed().toList();
    Future<List<Settled<Integer>>> all = run(items, 3, false);
    assertEquals(6, calls.size(), "two workers with three in flight each");
    // Answer from the newest call backwards first, so completion order differs from item order.
    for (int i = calls.size() - 1; i >= 0; i--) {
      calls.get(i).promise().complete(calls.get(i).item() * 10);
    }
    answerAll(x -> false);
    assertTrue(all.succeeded());
    assertEquals(items.stream().map(x -> x * 10).toList(), all.result().stream().map(Settled::value).toList());
    assertEquals(3, mostInFlight.get("a"));
    assertEquals(3, mostInFlight.get("b"));
    assertEquals(100, calls.size(), "each item sent once");
  }

  @Test
  void aFailingItemFailsTheMapWithItsIndexAndStopsSending() {
    Future<List<Settled<Integer>>> all = run(IntStream.range(0, 50).boxed().toList(), 2, false);
    answerAll(x -> x == 7);
    assertTrue(all.failed());
    MapFailedException e = assertInstanceOf(MapFailedException.class, all.cause());
    assertEquals(7, e.index());
    assertTrue(e.getMessage().contains("item 7 of 50"), e.getMessage());
    assertEquals("item 7 is bad", e.getCause().getMessage());
    assertTrue(calls.size() < 50, "items after the failure were not all sent: " + calls.size());
  }

  @Test
  void settledKeepsEveryOutcome() {
    Future<List<Settled<Integer>>> all = run(IntStream.range(0, 20).boxed().toList(), 2, true);
    answerAll(x -> x % 5 == 0);
    List<Settled<Integer>> settled = all.result();
    assertEquals(20, settled.size());
    for (int i = 0; i < 20; i++) {
      assertEquals(i, settled.get(i).index());
      assertEquals(i % 5 != 0, settled.get(i).succeeded());
    }
  }

  @Test
  void anItemOfALostWorkerGoesToAnother() {
    Future<List<Settled<Integer>>> all = run(IntStream.range(0, 10).boxed().toList(), 1, false);
    Call onA = calls.get(0);
    assertEquals("a", onA.worker());
    down.add("a");
    onA.promise().fail(new WorkerUnavailableException("a", "lost", null));
    answerAll(x -> false);
    assertTrue(all.succeeded(), String.valueOf(all.cause()));
    assertEquals(IntStream.range(0, 10).map(x -> x * 10).boxed().toList(),
        all.result().stream().map(Settled::value).toList());
    assertSame("b", all.result().get(onA.item()).worker());
  }

  @Test
  void noLiveWorkerLeftFailsTheMap() {
    Future<List<Settled<Integer>>> all = run(IntStream.range(0, 10).boxed().toList(), 1, false);
    down.add("a");
    down.add("b");
    calls.get(0).promise().fail(new WorkerUnavailableException("a", "lost", null));
    assertFalse(all.isComplete(), "b's call is still out");
    calls.get(1).promise().fail(new WorkerUnavailableException("b", "lost", null));
    assertInstanceOf(MapFailedException.class, all.cause());
  }

  @Test
  void callsThatFailAtOnceDoNotDeepenTheStack() throws InterruptedException {
    // Recursing once per item, 50,000 items overflow the stack of a 512 KiB thread.
    List<Integer> items = IntStream.range(0, 50_000).boxed().toList();
    IllegalArgumentException unsendable = new IllegalArgumentException("cannot send");
    java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
    Thread small = new Thread(null, () -> {
      try {
        outcome.set(ItemScheduler.run(List.of("a"), w -> true, w -> w,
            (w, x) -> Future.<Integer>failedFuture(unsendable), items, 1, true));
      } catch (StackOverflowError e) {
        outcome.set(e);
      }
    }, "small-stack", 512 * 1024);
    small.start();
    small.join();
    assertInstanceOf(Future.class, outcome.get(), "dispatch overflowed the stack");
    @SuppressWarnings("unchecked")
    Future<List<Settled<Integer>>> all = (Future<List<Settled<Integer>>>) outcome.get();
    assertTrue(all.succeeded(), String.valueOf(all.cause()));
    assertEquals(50_000, all.result().stream().filter(s -> !s.succeeded()).count());
  }

  @Test
  void noItemsIsAnEmptyResult() {
    assertEquals(List.of(), run(List.of(), 4, false).result());
  }
}
