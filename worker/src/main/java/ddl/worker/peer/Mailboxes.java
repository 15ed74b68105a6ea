package ddl.worker.peer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This worker's mailboxes: values other workers deliver, kept until a receiver takes them, or
 * receivers waiting for values not yet delivered. One key is delivered and received once.
 */
public final class Mailboxes {
  private final Map<Long, Box> boxes = new ConcurrentHashMap<>();

  /** One mailbox: a slot per key, holding either a delivered value or a waiting receiver. */
  private static final class Box {
    private final Map<Long, Promise<Object>> slots = new HashMap<>();
    private String closedBecause;

    synchronized Promise<Object> slot(long key) {
      return slots.computeIfAbsent(key, k -> Promise.promise());
    }

    synchronized Promise<Object> take(long key) {
      return slots.remove(key);
    }

    void close(String why) {
      java.util.List<Promise<Object>> waiting;
      synchronized (this) {
        closedBecause = why;
        waiting = new java.util.ArrayList<>(slots.values());
        slots.clear();
      }
      for (Promise<Object> p : waiting) {
        p.tryFail(new IllegalStateException(why));
      }
    }

    synchronized boolean isClosed() {
      return closedBecause != null;
    }
  }

  /** Opens mailbox {@code box} (again: a closed one reopens empty). */
  public void open(long box) {
    boxes.put(box, new Box());
  }

  /** Closes mailbox {@code box}; waiting receivers fail with {@code why}. */
  public void close(long box, String why) {
    Box b = boxes.remove(box);
    if (b != null) {
      b.close(why);
    }
  }

  /** Puts a delivered value in its slot; false if the box is not open. */
  public boolean deliver(long box, long key, Object value) {
    Box b = boxes.get(box);
    if (b == null || b.isClosed()) {
      return false;
    }
    b.slot(key).tryComplete(value);
    return true;
  }

  /** The value for {@code key}, now or when it is delivered; fails if the box is not open or closes. */
  public Future<Object> receive(long box, long key) {
    Box b = boxes.get(box);
    if (b == null) {
      return Future.failedFuture(new IllegalStateException("mailbox " + box + " is not open on this worker"));
    }
    Promise<Object> slot = b.slot(key);
    return slot.future().andThen(ar -> b.take(key));
  }

  /** Open mailboxes. */
  public int size() {
    return boxes.size();
  }
}
