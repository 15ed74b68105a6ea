package ddl.transport.wire;

/** Turns serialization failures into messages that say what to change. */
final class WireErrors {
  private WireErrors() {}

  /** A failure whose own message already says what to change: {@link #explain} reports it as it is. */
  static final class Explained extends com.esotericsoftware.kryo.KryoException {
    Explained(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The root cause's first line (or an {@link Explained} failure's), with the depth limit explained. */
  static String explain(Throwable e) {
    Throwable t = e;
    while (!(t instanceof Explained) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    String line = m == null ? t.getClass().getSimpleName() : m.split("\n")[0];
    if (line.startsWith("Max depth exceeded")) {
      return "the object graph is nested deeper than " + KryoFactory.MAX_DEPTH + " levels (a linked structure"
          + " of that many nodes, say); send such data as an array or a java.util collection instead";
    }
    return line;
  }
}
