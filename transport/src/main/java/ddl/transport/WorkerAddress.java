package ddl.transport;

/** Where a worker listens. */
public record WorkerAddress(String host, int port) {

  /** Parses {@code host:port}; the error says what was wrong. */
  public static WorkerAddress parse(String text) {
    int colon = text == null ? -1 : text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not host:port");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no numeric port");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " in '" + text + "' is outside 1..65535");
    }
    return new WorkerAddress(text.substring(0, colon).trim(), port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
