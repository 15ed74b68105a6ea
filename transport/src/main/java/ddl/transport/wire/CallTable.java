package ddl.transport.wire;

import ddl.transport.ArrayLender;
import ddl.transport.CallTimeoutException;
import io.vertx.core.Context;
import ddl.transport.CallFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The calls one side has in flight on a connection: each with its promise, deadline, call site and
 * lent arrays, at most {@code maxInFlight} at once. A caller on an ordinary thread waits for a free
 * slot; one on an event loop (which must not wait) gets its call queued instead.
 */
final class CallTable {
  /** One call waiting for its reply. */
  record Pending(long id, CallFuture<Object> promise, long deadlineNanos, CallSite site, ArrayLender lender) {}

  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final int maxInFlight;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition slotFreed = lock.newCondition();
  private final java.util.ArrayDeque<Runnable> queued = new java.util.ArrayDeque<>();
  private int inFlight;
  private boolean closed;

  CallTable(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  /**
   * Takes a slot for a call and runs {@code send} with it: at once if one is free; otherwise waits
   * for one (until the deadline) or, on an event loop, queues {@code send} for when one frees.
   * Returns false if the table closed or the deadline passed first.
   */
  boolean acquire(long deadlineNanos, Runnable send) {
    lock.lock();
    try {
      while (!closed && inFlight >= maxInFlight) {
        if (Context.isOnEventLoopThread()) {
          queued.add(send);
          return true;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        slotFreed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
      if (closed) {
        return false;
      }
      inFlight++;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
    send.run();
    return true;
  }

  void add(Pending call) {
    pending.put(call.id(), call);
  }

  /** The pending call with this id, or null. */
  Pending peek(long id) {
    return pending.get(id);
  }

  /** Removes the call and gives its slot back (to a queued call, if any); null if it was gone. */
  Pending remove(long id) {
    Pending call = pending.remove(id);
    if (call != null) {
      release();
    }
    return call;
  }

  /** Gives a slot back without a pending entry (a call that failed before it was added). */
  void release() {
    Runnable next;
    lock.lock();
    try {
      next = queued.poll();
      if (next == null) {
        inFlight--;
        slotFreed.signal();
      }
    } finally {
      lock.unlock();
    }
    if (next != null) {
      next.run();
    }
  }

  /** The calls whose deadline has passed, removed from the table. */
  List<Pending> expired(long nowNanos) {
    List<Pending> out = new ArrayList<>();
    for (Pending call : pending.values()) {
      if (nowNanos - call.deadlineNanos() > 0 && remove(call.id()) != null) {
        out.add(call);
      }
    }
    return out;
  }

  /** Closes the table: returns every pending call (removed) and runs the queued sends (which then fail). */
  List<Pending> close() {
    List<Runnable> waiting;
    lock.lock();
    try {
      closed = true;
      waiting = new ArrayList<>(queued);
      queued.clear();
      slotFreed.signalAll();
    } finally {
      lock.unlock();
    }
    List<Pending> out = new ArrayList<>();
    for (Long id : pending.keySet()) {
      Pending call = pending.remove(id);
      if (call != null) {
        out.add(call);
      }
    }
    waiting.forEach(Runnable::run);
    return out;
  }

  int size() {
    return pending.size();
  }

  static CallTimeoutException timeout(String peer, Pending call) {
    CallTimeoutException e = new CallTimeoutException(peer, call.site().what() + " got no reply before its deadline;"
        + " give the call a longer timeout (CallOptions) or raise transport.call_timeout_seconds", call.site());
    e.setStackTrace(call.site().getStackTrace());
    return e;
  }
}
