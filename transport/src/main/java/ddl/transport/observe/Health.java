package ddl.transport.observe;

/** What {@code GET /healthz} answers: 200 when {@code ok}, 503 otherwise, with {@code status} in JSON. */
public record Health(boolean ok, String status) {
  /** Serving. */
  public static Health up() {
    return new Health(true, "up");
  }

  /** Not (or no longer) serving, because of {@code why}. */
  public static Health down(String why) {
    return new Health(false, why);
  }
}
