package ddl.worker;

import ddl.transport.Messages;
import ddl.transport.Messages.DefineClasses;
import ddl.transport.Messages.Get;
import ddl.transport.Messages.HasClasses;
import ddl.transport.Messages.Invoke;
import ddl.transport.Messages.InvokeMethod;
import ddl.transport.Messages.Put;
import ddl.transport.Messages.Remove;
import ddl.transport.RemoteCall;
import ddl.transport.RemoteFunction;
import ddl.transport.WorkerContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Carries out one request against a session; runs off the event loop for anything that may block. */
final class RequestHandler {
  private final WorkerServer server;

  RequestHandler(WorkerServer server) {
    this.server = server;
  }

  /** Whether the request is cheap enough to answer on the event loop. */
  static boolean inline(Messages.Request request) {
    return request instanceof Messages.Ping || request instanceof Messages.Get || request instanceof Messages.Put
        || request instanceof Messages.Remove || request instanceof Messages.Stats;
  }

  Object handle(Session session, Messages.Request request) throws Exception {
    return switch (request) {
      case Messages.Ping ping -> ping;
      case HasClasses has -> new Messages.ClassNames(missing(session, has.names()));
      case DefineClasses define -> {
        session.loader().add(define.classes());
        yield define.classes().size();
      }
      case Invoke invoke -> invoke(session, invoke);
      case InvokeMethod method -> invokeMethod(session, method);
      case Put put -> {
        session.put(put.name(), put.value());
        yield null;
      }
      case Get get -> session.get(get.name());
      case Remove remove -> session.remove(remove.name());
      case Messages.Reset reset -> {
        session.reset();
        yield null;
      }
      case Messages.Stats stats -> server.stats();
      case Messages.Shutdown shutdown -> throw new IllegalStateException("shutdown is handled by the connection");
    };
  }

  private static List<String> missing(Session session, List<String> names) {
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (session.loader().hasShipped(name)) {
        continue;
      }
      try {
        Class.forName(name, false, session.loader());
      } catch (ClassNotFoundException | LinkageError e) {
        missing.add(name);
      }
    }
    return missing;
  }

  @SuppressWarnings("unchecked")
  private static Object invoke(Session session, Invoke invoke) throws Exception {
    Object function = invoke.function();
    if (function instanceof RemoteFunction<?, ?> f) {
      return ((RemoteFunction<Object, Object>) f).apply(session, invoke.argument());
    }
    if (function instanceof RemoteCall<?> c) {
      return c.call(session);
    }
    throw new IllegalArgumentException("cannot run a " + function.getClass().getName()
        + ": send a RemoteFunction or RemoteCall");
  }

  private static Object invokeMethod(Session session, InvokeMethod call) throws Exception {
    Class<?> type = Class.forName(call.className(), true, session.loader());
    Object[] args = call.args() == null ? new Object[0] : call.args();
    Method method = find(type, call.methodName(), args);
    Object target = null;
    if (!Modifier.isStatic(method.getModifiers())) {
      var constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      target = constructor.newInstance();
    }
    method.setAccessible(true);
    Object[] actual = method.getParameterCount() == args.length + 1 ? prepend(session, args) : args;
    try {
      return method.invoke(target, actual);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static Method find(Class<?> type, String name, Object[] args) {
    List<Method> candidates = new ArrayList<>();
    for (Method m : type.getDeclaredMethods()) {
      if (!m.getName().equals(name)) {
        continue;
      }
      Class<?>[] params = m.getParameterTypes();
      boolean withContext = params.length == args.length + 1 && params[0] == WorkerContext.class;
      Class<?>[] rest = withContext ? Arrays.copyOfRange(params, 1, params.length) : params;
      if (rest.length == args.length && assignable(rest, args)) {
        candidates.add(m);
      }
    }
    if (candidates.size() != 1) {
      throw new IllegalArgumentException(type.getName() + " has " + candidates.size() + " methods named '"
          + name + "' that take " + args.length + " such arguments (optionally after a WorkerContext); need exactly one");
    }
    return candidates.get(0);
  }

  private static boolean assignable(Class<?>[] params, Object[] args) {
    for (int i = 0; i < params.length; i++) {
      Class<?> p = params[i].isPrimitive() ? box(params[i]) : params[i];
      if (args[i] != null && !p.isInstance(args[i])) {
        return false;
      }
      if (args[i] == null && params[i].isPrimitive()) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> box(Class<?> primitive) {
    return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
