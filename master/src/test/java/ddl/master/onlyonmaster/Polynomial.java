package ddl.master.onlyonmaster;

import ddl.transport.WorkerContext;
import java.util.List;

/** Exists only in the master's test classes: workers can run it only by shipping. */
public final class Polynomial {
  private Polynomial() {}

  /** Evaluates the polynomial with these coefficients at x (Horner). */
  public static double evaluate(List<Double> coefficients, double x) {
    double result = 0;
    for (int i = coefficients.size() - 1; i >= 0; i--) {
      result = result * x + coefficients.get(i);
    }
    return result;
  }

  /** Names the loader that defined this class on the worker, and where it ran. */
  public static Origin origin(WorkerContext context) {
    return new Origin(context.workerAddress(), String.valueOf(Polynomial.class.getClassLoader().getName()));
  }

  /** Fails with a message naming x. */
  public static double root(double x) {
    if (x < 0) {
      throw new ArithmeticException("no real square root of " + x);
    }
    return Math.sqrt(x);
  }

  /** Where the shipped class ran and which loader defined it. */
  public record Origin(String worker, String loader) {}
}
