package ddl.master.internal;

import ddl.transport.RemoteException;
import java.lang.reflect.Constructor;

/**
 * Rethrows a worker's exception as its own class when the master has that class (the user's own
 * exception types, which were shipped from here): its message and the worker's stack, with the
 * {@link RemoteException} (which names the worker and the call site) as a suppressed exception.
 * JDK exceptions and those of DDL's transport, worker and master stay {@link RemoteException}s;
 * the training library's ({@code ddl.train}, shipped like a task's classes) are rethrown as
 * themselves.
 */
public final class RemoteFailures {
  private RemoteFailures() {}

  public static Throwable asUserException(Throwable failure, ClassLoader loader) {
    if (!(failure instanceof RemoteException remote) || !ClassShipper.shippable(remote.remoteClassName())
        || remote.remoteClassName().startsWith("ddl.worker.") || remote.remoteClassName().startsWith("ddl.master.")) {
      return failure;
    }
    try {
      Class<?> type = Class.forName(remote.remoteClassName(), false, loader);
      if (!RuntimeException.class.isAssignableFrom(type) && !Exception.class.isAssignableFrom(type)) {
        return failure;
      }
      Throwable user = instantiate(type, remote.remoteMessage());
      if (user == null) {
        return failure;
      }
      user.setStackTrace(remote.getCause().getStackTrace());
      if (remote.getCause().getCause() != null) {
        user.initCause(remote.getCause().getCause());
      }
      user.addSuppressed(remote);
      return user;
    } catch (ClassNotFoundException | LinkageError | IllegalStateException e) {
      return failure;
    }
  }

  private static Throwable instantiate(Class<?> type, String message) {
    try {
      Constructor<?> withMessage = type.getDeclaredConstructor(String.class);
      withMessage.setAccessible(true);
      return (Throwable) withMessage.newInstance(message);
    } catch (ReflectiveOperationException | RuntimeException e) {
      try {
        Constructor<?> plain = type.getDeclaredConstructor();
        plain.setAccessible(true);
        return (Throwable) plain.newInstance();
      } catch (ReflectiveOperationException | RuntimeException e2) {
        return null;
      }
    }
  }
}
