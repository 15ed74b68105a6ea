package ddl.worker;

import ddl.transport.Remote;
import ddl.transport.WorkerContext;
import ddl.transport.wire.EventLoopCheck;
import ddl.transport.wire.Messages;
import ddl.transport.wire.Messages.DefineClasses;
import ddl.transport.wire.Messages.HasClasses;
import ddl.transport.wire.Messages.Invoke;
import ddl.transport.wire.Messages.InvokeMethod;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Carries out one request against a session (on whatever thread the dispatcher chose for it). */
final class RequestHandler {
  private static final Map<String, Class<?>> PRIMITIVES = Map.of("int", int.class, "long", long.class,
      "double", double.class, "float", float.class, "boolean", boolean.class, "byte", byte.class,
      "short", short.class, "char", char.class);

  private final WorkerServer server;

  RequestHandler(WorkerServer server) {
    this.server = server;
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
      case Messages.Put put -> {
        session.put(put.name(), put.value());
        yield null;
      }
      case Messages.Get get -> session.get(get.name());
      case Messages.Remove remove -> session.remove(remove.name());
      case Messages.Keys keys -> session.keys();
      case Messages.Reset reset -> {
        session.reset();
        yield null;
      }
      case Messages.Stats stats -> server.stats();
      case Messages.Shutdown shutdown -> throw new IllegalStateException("shutdown is handled by the dispatcher");
      case Messages.PeerDelivery delivery -> throw new IllegalStateException("deliveries come from other workers only");
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

  /** The one abstract method of a shipped function's interface. */
  private static final ClassValue<Method> SAM = new ClassValue<>() {
    @Override
    protected Method computeValue(Class<?> type) {
      for (Class<?> face : type.getInterfaces()) {
        for (Method m : face.getMethods()) {
          if (Modifier.isAbstract(m.getModifiers()) && !m.isDefault()) {
            m.setAccessible(true);
            return m;
          }
        }
      }
      throw new IllegalArgumentException("cannot run a " + type.getName()
          + ": send a serializable lambda or method reference (RemoteCall, RemoteFunction...)");
    }
  };

  private static Object invoke(Session session, Invoke invoke) throws Exception {
    EventLoopCheck.notOnEventLoop("a user call");
    Object function = invoke.function();
    Method sam = SAM.get(function.getClass());
    Object[] actual = arguments(session, sam.getParameterTypes(), invoke.target(), invoke.arguments(),
        "the function");
    return Remote.withContext(session, () -> unwrap(() -> sam.invoke(function, actual)));
  }

  private static Object invokeMethod(Session session, InvokeMethod call) throws Exception {
    EventLoopCheck.notOnEventLoop("a user call");
    Class<?> type = Class.forName(call.className(), true, session.loader());
    String[] names = call.parameterTypes() == null ? new String[0] : call.parameterTypes();
    Class<?>[] params = new Class<?>[names.length];
    for (int i = 0; i < names.length; i++) {
      Class<?> p = PRIMITIVES.get(names[i]);
      params[i] = p != null ? p : Class.forName(names[i], false, session.loader());
    }
    Method method = type.getDeclaredMethod(call.methodName(), params);
    method.setAccessible(true);
    Object receiver = null;
    if (!Modifier.isStatic(method.getModifiers())) {
      if (call.target() != null) {
        receiver = session.get(call.target());
        if (!type.isInstance(receiver)) {
          throw new IllegalArgumentException("session object '" + call.target() + "' is "
              + (receiver == null ? "absent" : "a " + receiver.getClass().getName()) + ", not a " + type.getName());
        }
      } else {
        var constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        receiver = constructor.newInstance();
      }
    }
    Object[] actual = arguments(session, params, null, call.args(), call.className() + "." + call.methodName());
    Object target = receiver;
    return Remote.withContext(session, () -> unwrap(() -> method.invoke(target, actual)));
  }

  /** The context (if the first parameter takes one), the named object (if any), then the arguments. */
  private static Object[] arguments(Session session, Class<?>[] params, String target, Object[] args, String what) {
    Object[] given = args == null ? new Object[0] : args;
    List<Object> actual = new ArrayList<>(params.length);
    if (params.length > 0 && params[0] == WorkerContext.class) {
      actual.add(session);
    }
    if (target != null) {
      Object object = session.get(target);
      if (object == null) {
        throw new IllegalArgumentException("this session has no object named '" + target + "'; put it first");
      }
      actual.add(object);
    }
    for (Object a : given) {
      actual.add(a);
    }
    if (actual.size() != params.length) {
      throw new IllegalArgumentException(what + " takes " + params.length + " parameters but the call gave "
          + given.length + " arguments" + (target != null ? " and a session object" : ""));
    }
    return actual.toArray();
  }

  private interface Reflective {
    Object call() throws Exception;
  }

  private static Object unwrap(Reflective call) throws Exception {
    try {
      return call.call();
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
