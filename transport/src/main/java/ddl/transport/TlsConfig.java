package ddl.transport;

/**
 * TLS settings: workers present {@code certificate}/{@code key} (PEM files) and masters trust
 * {@code trust} (a PEM certificate, usually the same file).
 */
public record TlsConfig(boolean enabled, String certificate, String key, String trust) {
  public static TlsConfig disabled() {
    return new TlsConfig(false, null, null, null);
  }
}
