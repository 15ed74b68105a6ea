package ddl.transport.wire;

import ddl.transport.RemoteException;

/** Rebuilds a worker's exception, as it was sent, for printing on the master. */
final class RemoteErrors {
  private RemoteErrors() {}

  static RemoteException.RemoteCause cause(Messages.RemoteError error) {
    StackTraceElement[] stack = error.stack() == null ? new StackTraceElement[0]
        : error.stack().stream().map(Messages.RemoteFrame::toElement).toArray(StackTraceElement[]::new);
    return new RemoteException.RemoteCause(error.className(), error.message(), stack,
        error.cause() == null ? null : cause(error.cause()));
  }
}
