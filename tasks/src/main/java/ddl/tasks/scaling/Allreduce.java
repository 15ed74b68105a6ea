package ddl.tasks.scaling;

import java.util.Locale;

/** How sync SGD averages the workers' gradients: through the master, or in a ring between the workers. */
public enum Allreduce {
  MASTER,
  RING;

  /** Reads {@code master} or {@code ring}. */
  public static Allreduce parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "master" -> MASTER;
      case "ring" -> RING;
      default -> throw new IllegalArgumentException("allreduce must be master or ring, not '" + text + "'");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
