package ddl.master.internal;

import ddl.transport.CallOptions;
import ddl.transport.DdlException;
import ddl.transport.wire.ClassPolicy;
import ddl.transport.wire.Connection;
import ddl.transport.wire.Messages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ships classes from the master's classpath to one worker session: the classes asked for, their
 * nested and anonymous classes, lambda-holding classes, and every class they reference that the
 * worker lacks. Asks the worker what it lacks level by level, so classes the worker has (DJL,
 * Vert.x, the transport) are neither sent nor read; remembers what it sent for the session.
 */
public final class ClassShipper {
  private final Connection client;
  private final ClassLoader loader;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Map<Class<?>, Future<Void>> roots = new ConcurrentHashMap<>();

  public ClassShipper(Connection client, ClassLoader loader) {
    this.client = client;
    this.loader = loader;
  }

  /** Forgets what was shipped (after a session reset). */
  public void forget() {
    known.clear();
    roots.clear();
  }

  /**
   * Ships what objects need: a lambda's capturing class and captured values, or an object's class.
   * Each step waits at most {@code timeout} (the call's own deadline).
   */
  public Future<Void> shipFor(Duration timeout, Object... objects) {
    List<Class<?>> roots = new ArrayList<>();
    for (Object o : objects) {
      collectRoots(o, roots, 0);
    }
    return ship(roots, timeout);
  }

  /**
   * Ships these classes and what they need. A class is shipped once per session; a call that
   * needs a class still on its way waits for it.
   */
  public Future<Void> ship(List<Class<?>> classes, Duration timeout) {
    if (classes.size() == 1) {
      return shipOne(classes.get(0), timeout);
    }
    List<Future<Void>> all = new ArrayList<>(classes.size());
    for (Class<?> c : classes) {
      all.add(shipOne(c, timeout));
    }
    return Future.all(all).mapEmpty();
  }

  private Future<Void> shipOne(Class<?> type, Duration timeout) {
    Future<Void> done = roots.get(type);
    if (done != null) {
      return done;
    }
    if (!shippable(type.getName())) {
      return Future.succeededFuture();
    }
    // Claim the class first, then ship outside the map's lock: the shipping may fail at once.
    Promise<Void> claim = Promise.promise();
    Future<Void> earlier = roots.putIfAbsent(type, claim.future());
    if (earlier != null) {
      return earlier;
    }
    shipLevel(List.of(type.getName()), new TreeSet<>(List.of(type.getName())), CallOptions.timeout(timeout))
        .onComplete(ar -> {
      if (ar.failed()) {
        roots.remove(type, claim.future());
      }
      claim.handle(ar);
    });
    return claim.future();
  }

  private Future<Void> shipLevel(List<String> frontier, Set<String> seen, CallOptions options) {
    List<String> ask = frontier.stream().filter(n -> !known.contains(n)).toList();
    if (ask.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.<Messages.ClassNames>call(new Messages.HasClasses(ask), options).compose(reply -> {
      Set<String> missing = new TreeSet<>(reply.names());
      ask.stream().filter(n -> !missing.contains(n)).forEach(known::add);
      Map<String, byte[]> bytes = new LinkedHashMap<>();
      List<String> next = new ArrayList<>();
      for (String name : missing) {
        byte[] file = classFile(name);
        bytes.put(name, file);
        for (String ref : ClassReferences.of(file)) {
          if (shippable(ref) && !known.contains(ref) && seen.add(ref) && classFileExists(ref)) {
            next.add(ref);
          }
        }
      }
      if (bytes.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return client.<Integer>call(new Messages.DefineClasses(bytes), options)
          .compose(n -> {
            known.addAll(bytes.keySet());
            return shipLevel(next, seen, options);
          });
    });
  }

  /** How deep {@link #collectRoots} looks into captured values, arrays, collections and records. */
  private static final int MAX_DEPTH = 6;
  /** How many elements of an array or collection it looks at (elements of one usually share classes). */
  private static final int MAX_ELEMENTS = 256;

  private void collectRoots(Object o, List<Class<?>> roots, int depth) {
    if (o == null || depth > MAX_DEPTH) {
      return;
    }
    Class<?> type = o.getClass();
    if (type.isHidden() && o instanceof Serializable) {
      SerializedLambda lambda = serializedLambda(o);
      roots.add(load(lambda.getCapturingClass(), type));
      roots.add(load(lambda.getImplClass(), type));
      for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
        collectRoots(lambda.getCapturedArg(i), roots, depth + 1);
      }
      return;
    }
    while (type.isArray()) {
      type = type.getComponentType();
    }
    if (!type.isPrimitive() && shippable(type.getName()) && type.getClassLoader() != null) {
      roots.add(type);
    }
    if (o instanceof Object[] array) {
      for (int i = 0; i < Math.min(array.length, MAX_ELEMENTS); i++) {
        collectRoots(array[i], roots, depth + 1);
      }
    } else if (o instanceof Iterable<?> items) {
      int seen = 0;
      for (Object element : items) {
        if (seen++ == MAX_ELEMENTS) {
          break;
        }
        collectRoots(element, roots, depth + 1);
      }
    } else if (o instanceof Map<?, ?> map) {
      collectRoots(map.keySet(), roots, depth + 1);
      collectRoots(map.values(), roots, depth + 1);
    } else if (o.getClass().isRecord()) {
      // A record message may hold objects of the caller's own classes (a model's layers, say).
      for (Method accessor : OBJECT_COMPONENTS.get(o.getClass())) {
        try {
          collectRoots(accessor.invoke(o), roots, depth + 1);
        } catch (ReflectiveOperationException | RuntimeException e) {
          // not readable from here: its class must then be on the worker or shipped otherwise
        }
      }
    }
  }

  /**
   * A record's accessors of components that may hold objects of shippable classes: not primitives,
   * primitive arrays, strings or boxed numbers. Looked up once per record class.
   */
  private static final ClassValue<List<Method>> OBJECT_COMPONENTS = new ClassValue<>() {
    @Override
    protected List<Method> computeValue(Class<?> type) {
      List<Method> out = new ArrayList<>();
      for (java.lang.reflect.RecordComponent c : type.getRecordComponents()) {
        Class<?> t = c.getType();
        boolean plain = t.isPrimitive() || (t.isArray() && t.getComponentType().isPrimitive()) || t == String.class
            || Number.class.isAssignableFrom(t) || t == Boolean.class || t == Character.class;
        if (!plain) {
          try {
            Method accessor = c.getAccessor();
            accessor.setAccessible(true);
            out.add(accessor);
          } catch (RuntimeException e) {
            // an accessor this module may not open: skip the component
          }
        }
      }
      return List.copyOf(out);
    }
  };

  private Class<?> load(String internalName, Class<?> near) {
    try {
      return Class.forName(internalName.replace('/', '.'), false, near.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new DdlException("cannot find " + internalName + " on the master's classpath to ship it", e);
    }
  }

  public static SerializedLambda serializedLambda(Object lambda) {
    try {
      Method writeReplace = lambda.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      return (SerializedLambda) writeReplace.invoke(lambda);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new DdlException("cannot ship " + lambda.getClass().getName()
          + ": only serializable lambdas (RemoteCall, RemoteFunction) and method references can be shipped", e);
    }
  }

  /** JDK classes are never shipped; every worker has them. */
  public static boolean shippable(String name) {
    return !ClassPolicy.isJdkName(name) && !name.startsWith("ddl.transport.");
  }

  private boolean classFileExists(String name) {
    return loader.getResource(name.replace('.', '/') + ".class") != null;
  }

  private byte[] classFile(String name) {
    try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
      if (in == null) {
        throw new DdlException("the worker lacks " + name + " and the master's classpath has no class file for it");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new DdlException("cannot read the class file of " + name + ": " + e.getMessage(), e);
    }
  }
}
