package ddl.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * Arrays a caller lends to the transport so that a reply fills them instead of new ones: a gradient
 * buffer reused every step costs no allocation (a fresh 64 MiB array costs tens of milliseconds of
 * page faults). When the reply holds an array of a lent type and exactly the lent length, the next
 * such lent array is filled and returned in its place; anything else is allocated as usual.
 *
 * <p>A lent array may be written to until its call has completed (also after a timeout, while a
 * late reply is still being read); do not read or reuse it before. Lent to several calls one after
 * the other (through {@link CallOptions#replyInto} on a proxy kept for it), the same arrays are
 * filled again by each reply: read a reply's arrays before the next call's reply comes.
 */
public final class ArrayLender {
  private final List<Object> arrays;
  private int next;

  private ArrayLender(List<Object> arrays) {
    this.arrays = arrays;
  }

  /** Lends these arrays (of any primitive type), taken in order as matching arrays arrive. */
  public static ArrayLender of(Object... arrays) {
    List<Object> list = new ArrayList<>();
    for (Object a : arrays) {
      add(list, a);
    }
    return new ArrayLender(list);
  }

  private static void add(List<Object> list, Object a) {
    if (a instanceof Object[] nested) {
      for (Object inner : nested) {
        add(list, inner);
      }
    } else if (a != null && a.getClass().isArray()) {
      list.add(a);
    } else if (a != null) {
      throw new IllegalArgumentException("only primitive arrays (or arrays of them) can be lent, not " + a.getClass());
    }
  }

  /** Makes every array available again; the transport calls it before reading each reply. */
  public synchronized void restart() {
    next = 0;
  }

  /** The next lent array of this type and exactly this length, or null; each is handed out once per reply. */
  public synchronized <A> A take(Class<A> type, int length) {
    for (int i = next; i < arrays.size(); i++) {
      Object a = arrays.get(i);
      if (a.getClass() == type && java.lang.reflect.Array.getLength(a) == length) {
        arrays.set(i, arrays.get(next));
        arrays.set(next++, a);
        return type.cast(a);
      }
    }
    return null;
  }
}
