package ddl.tasks.examples;

import java.io.Serializable;
import java.util.List;

/** Small functions the examples run on workers, shipped from the master like any task code. */
public final class Calc {
  private Calc() {}

  /** Three arguments of three types: {@code worker.call(Calc::summary, name, values, scale)}. */
  public static String summary(String name, List<Double> values, int scale) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return name + ": n=" + values.size() + " sum*scale=" + sum * scale;
  }

  /** Called by name with {@code (3, 2)}: the int 3 widens to long, the int 2 to double. */
  public static double scale(long value, double factor) {
    return value * factor;
  }

  /** Burns CPU until cancelled: every million steps it asks whether the master gave up. */
  public static long spin(ddl.transport.WorkerContext ctx) {
    long steps = 0;
    while (true) {
      steps++;
      if (steps % 1_000_000 == 0) {
        ctx.checkCancelled();
      }
    }
  }

  /** Thrown on a worker, caught on the master as itself. */
  public static int withdraw(int balance, int amount) {
    if (amount > balance) {
      throw new InsufficientFunds("cannot withdraw " + amount + " from " + balance);
    }
    return balance - amount;
  }

  /** A user exception type; the master has it, so it is rethrown there as itself. */
  public static final class InsufficientFunds extends RuntimeException {
    public InsufficientFunds(String message) {
      super(message);
    }
  }

  /** A model kept in the session: its instance methods run on the stored object. */
  public static final class Counter implements Serializable {
    private long total;

    /** Adds {@code by} and returns the new total. */
    public long step(int by) {
      total += by;
      return total;
    }
  }

  /** A node of a linked graph; two nodes pointing at each other make a cycle. */
  public static final class Node implements Serializable {
    public String name;
    public Node next;

    public Node() {}

    public Node(String name) {
      this.name = name;
    }
  }
}
