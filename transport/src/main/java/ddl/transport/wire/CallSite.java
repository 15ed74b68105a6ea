package ddl.transport.wire;

/**
 * Where a call was made, kept to explain a later failure: its stack is captured when the call is
 * made; the description of the call is worked out only if a failure needs it.
 */
final class CallSite extends RuntimeException {
  /** The class the description is made from, or the description itself. */
  private final Object subject;
  private String what;

  CallSite(Object request) {
    // A collective's piece is sent in a tight loop, and a failure is explained by the collective
    // itself: no stack for it. Every other call keeps where it was made.
    super(null, null, false, !(request instanceof Messages.PeerDelivery));
    this.subject = switch (request) {
      case Messages.Invoke invoke -> invoke.function().getClass();
      case Messages.InvokeMethod m -> "call of " + m.className() + "." + m.methodName();
      case null -> "null";
      default -> request.getClass();
    };
  }

  String what() {
    if (what == null) {
      what = subject instanceof String s ? s : describe((Class<?>) subject);
    }
    return what;
  }

  private static String describe(Class<?> type) {
    return Messages.Request.class.isAssignableFrom(type) ? type.getSimpleName().toLowerCase()
        : "call of " + type.getName().replaceAll("\\$\\$Lambda.*", " lambda");
  }

  @Override
  public String getMessage() {
    return "call made here: " + what();
  }
}
