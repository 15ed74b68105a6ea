package ddl.worker;

import ddl.transport.wire.Connection;
import ddl.transport.wire.Messages;
import ddl.worker.peer.Mailboxes;

/** What another worker may ask: deliveries to this worker's mailboxes, answered on the event loop. */
final class PeerRequests implements Connection.Inbound {
  private final Mailboxes mailboxes;

  PeerRequests(Mailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  @Override
  public void request(Connection connection, long id, Object request) {
    if (request instanceof Messages.PeerDelivery d) {
      if (mailboxes.deliver(d.box(), d.key(), d.value())) {
        connection.reply(id, null);
      } else {
        connection.replyError(id, new IllegalStateException("mailbox " + d.box() + " is not open on this worker"
            + " (the collective it belongs to ended or was not set up here)"));
      }
    } else if (request instanceof Messages.Ping ping) {
      connection.reply(id, ping);
    } else {
      connection.replyError(id, new IllegalArgumentException("another worker may only deliver to mailboxes, not send a "
          + (request == null ? "null" : request.getClass().getSimpleName())));
    }
  }
}
