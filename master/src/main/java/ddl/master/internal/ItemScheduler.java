package ddl.master.internal;

import ddl.master.MapFailedException;
import ddl.master.Settled;
import ddl.transport.WorkerUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Spreads items over workers with at most {@code perWorker} in flight on each: a worker that
 * answers gets the next item, so a faster worker takes more. An item whose worker is lost
 * ({@link WorkerUnavailableException}) goes to another live worker; the map fails only when no live
 * worker is left. Results keep the items' order. Callbacks run on whatever thread completes a call
 * (an event loop): nothing here blocks.
 *
 * @param <W> a worker
 */
public final class ItemScheduler<W, A, R> {
  private final List<W> workers;
  private final Predicate<W> live;
  private final Function<W, String> name;
  private final BiFunction<W, A, Future<R>> call;
  private final List<A> items;
  private final int perWorker;
  private final boolean settle;
  private final Deque<Integer> todo = new ArrayDeque<>();
  private final Object[] results;
  private final int[] busy;
  private final boolean[] lost;
  private final Promise<List<Settled<R>>> done = Promise.promise();
  private int finished;
  private boolean over;
  private boolean dispatching;
  private boolean again;

  private ItemScheduler(List<W> workers, Predicate<W> live, Function<W, String> name,
      BiFunction<W, A, Future<R>> call, List<A> items, int perWorker, boolean settle) {
    this.workers = List.copyOf(workers);
    this.live = live;
    this.name = name;
    this.call = call;
    this.items = items;
    this.perWorker = perWorker;
    this.settle = settle;
    this.results = new Object[items.size()];
    this.busy = new int[workers.size()];
    this.lost = new boolean[workers.size()];
    for (int i = 0; i < items.size(); i++) {
      todo.add(i);
    }
  }

  /**
   * Runs {@code call(worker, item)} for every item. With {@code settle}, every item's outcome is
   * kept; without, the first failing item fails the whole with a {@link MapFailedException} naming
   * its index, and items not yet sent are not sent.
   */
  public static <W, A, R> Future<List<Settled<R>>> run(List<W> workers, Predicate<W> live, Function<W, String> name,
      BiFunction<W, A, Future<R>> call, List<A> items, int perWorker, boolean settle) {
    ItemScheduler<W, A, R> s = new ItemScheduler<>(workers, live, name, call, items, perWorker, settle);
    if (items.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    s.dispatch();
    return s.done.future();
  }

  /**
   * Sends items to workers with free slots. A call that completes at once (it failed before it was
   * sent) calls this again from inside; that nested call only asks the outer one to loop, so a long
   * run of such failures does not deepen the stack.
   */
  private void dispatch() {
    synchronized (this) {
      if (dispatching) {
        again = true;
        return;
      }
      dispatching = true;
    }
    while (true) {
      List<Runnable> sends = new ArrayList<>();
      synchronized (this) {
        again = false;
        collect(sends);
      }
      sends.forEach(Runnable::run);
      synchronized (this) {
        if (!again) {
          dispatching = false;
          return;
        }
      }
    }
  }

  /** Takes items for every live worker's free slots; fails the whole when no live worker is left. */
  private void collect(List<Runnable> sends) {
    if (over) {
      return;
    }
    boolean anyLive = false;
    for (int w = 0; w < workers.size(); w++) {
      if (lost[w] || !live.test(workers.get(w))) {
        lost[w] = true;
        continue;
      }
      anyLive = true;
      while (busy[w] < perWorker && !todo.isEmpty()) {
        int item = todo.poll();
        busy[w]++;
        int worker = w;
        sends.add(() -> send(worker, item));
      }
    }
    if (!anyLive && !todo.isEmpty() && Arrays.stream(busy).sum() == 0) {
      over = true;
      done.tryFail(new MapFailedException(todo.peek(), items.size(), "no worker",
          new WorkerUnavailableException("all", "every worker of the cluster was lost", null)));
    }
  }

  private void send(int worker, int item) {
    W w = workers.get(worker);
    Future<R> f;
    try {
      f = call.apply(w, items.get(item));
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      synchronized (this) {
        busy[worker]--;
        if (ar.failed() && ar.cause() instanceof WorkerUnavailableException && !over) {
          lost[worker] = true;
          todo.addFirst(item); // another worker takes it
        } else if (ar.failed() && !settle) {
          if (!over) {
            over = true;
            done.tryFail(new MapFailedException(item, items.size(), name.apply(w), ar.cause()));
          }
          return;
        } else {
          results[item] = ar.succeeded() ? Settled.of(item, name.apply(w), ar.result())
              : Settled.failed(item, name.apply(w), ar.cause());
          if (++finished == items.size()) {
            over = true;
            done.tryComplete(settledList());
            return;
          }
        }
      }
      dispatch();
    });
  }

  @SuppressWarnings("unchecked")
  private List<Settled<R>> settledList() {
    List<Settled<R>> out = new ArrayList<>(results.length);
    for (Object r : results) {
      out.add((Settled<R>) r);
    }
    return out;
  }
}
