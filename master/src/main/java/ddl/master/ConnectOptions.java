package ddl.master;

import ddl.transport.wire.Handshake;

/**
 * How {@link Cluster#connect(ddl.transport.ClusterConfig, ConnectOptions)} opens its sessions.
 *
 * <pre>{@code
 * import static ddl.master.ConnectOptions.session;
 * Cluster cluster = Cluster.connect(config, session("trainer")).await();
 * }</pre>
 *
 * @param session null: each connection has a session of its own that ends with it (the default);
 *     a name: every worker keeps the session of that name (its objects and shipped classes) after
 *     the connection closes, for {@code transport.session_keep_seconds} of the worker's config, so
 *     that a master connecting again with the same name finds it. A second connection with the
 *     name takes the session over and the first one is closed.
 */
public record ConnectOptions(String session) {
  /** A session per connection. */
  public static final ConnectOptions DEFAULT = new ConnectOptions(null);

  public ConnectOptions {
    if (session != null) {
      Handshake.checkSessionName(session);
    }
  }

  /** The named session {@code name} (1 to 64 letters, digits, '.', '-', '_'), kept across connections. */
  public static ConnectOptions session(String name) {
    return new ConnectOptions(name);
  }
}
