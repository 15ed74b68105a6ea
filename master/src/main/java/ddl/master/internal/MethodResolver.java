package ddl.master.internal;

import ddl.transport.DdlException;
import ddl.transport.WorkerContext;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Picks the method a call by name means, on the master, the way the Java compiler picks an
 * overload: first without boxing or varargs (subtypes and widening primitive conversions), then
 * with boxing, then with varargs, taking the most specific of the applicable ones. A first
 * parameter of type {@link WorkerContext} is filled in on the worker and does not count. The
 * arguments are converted to the chosen parameter types (an {@code Integer} for a {@code long}
 * parameter arrives as a {@code Long}; varargs are packed into their array). Failures list the
 * candidates.
 */
public final class MethodResolver {
  /** The chosen method and the arguments converted for it. */
  public record Resolved(Method method, String[] parameterTypes, Object[] arguments) {}

  private static final Map<Class<?>, Class<?>> BOXES = Map.of(int.class, Integer.class, long.class, Long.class,
      double.class, Double.class, float.class, Float.class, boolean.class, Boolean.class, byte.class, Byte.class,
      short.class, Short.class, char.class, Character.class);
  /** For each primitive, the primitives it widens to (JLS 5.1.2), itself included. */
  private static final Map<Class<?>, List<Class<?>>> WIDENS_TO = Map.of(
      byte.class, List.of(byte.class, short.class, int.class, long.class, float.class, double.class),
      short.class, List.of(short.class, int.class, long.class, float.class, double.class),
      char.class, List.of(char.class, int.class, long.class, float.class, double.class),
      int.class, List.of(int.class, long.class, float.class, double.class),
      long.class, List.of(long.class, float.class, double.class),
      float.class, List.of(float.class, double.class),
      double.class, List.of(double.class),
      boolean.class, List.of(boolean.class));

  private MethodResolver() {}

  /** Resolves {@code type.name(args)}; {@code instance} asks for instance methods only (a named object). */
  public static Resolved resolve(Class<?> type, String name, Object[] args, boolean instanceOnly) {
    Object[] given = args == null ? new Object[0] : args;
    List<Method> named = new ArrayList<>();
    for (Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(name) && !m.isSynthetic() && !m.isBridge()
          && (!instanceOnly || !Modifier.isStatic(m.getModifiers()))) {
        named.add(m);
      }
    }
    if (named.isEmpty()) {
      throw new DdlException(type.getName() + " has no " + (instanceOnly ? "instance " : "") + "method named '"
          + name + "'");
    }
    for (int phase = 1; phase <= 3; phase++) {
      List<Method> applicable = new ArrayList<>();
      for (Method m : named) {
        if (applicable(m, given, phase)) {
          applicable.add(m);
        }
      }
      if (!applicable.isEmpty()) {
        Method chosen = mostSpecific(applicable, type, name, given);
        Object[] converted = convert(chosen, given, phase == 3 && chosen.isVarArgs());
        String[] types = Arrays.stream(chosen.getParameterTypes()).map(Class::getName).toArray(String[]::new);
        return new Resolved(chosen, types, converted);
      }
    }
    throw new DdlException("no method " + type.getSimpleName() + "." + name + " takes (" + describe(given) + "); "
        + "candidates: " + candidates(named));
  }

  private static Class<?>[] userParameters(Method m) {
    Class<?>[] p = m.getParameterTypes();
    return p.length > 0 && p[0] == WorkerContext.class ? Arrays.copyOfRange(p, 1, p.length) : p;
  }

  private static boolean applicable(Method m, Object[] args, int phase) {
    Class<?>[] p = userParameters(m);
    if (phase < 3 || !m.isVarArgs()) {
      if (p.length != args.length) {
        return false;
      }
      for (int i = 0; i < p.length; i++) {
        if (!accepts(p[i], args[i], phase >= 2)) {
          return false;
        }
      }
      return true;
    }
    if (args.length < p.length - 1) {
      return false;
    }
    for (int i = 0; i < p.length - 1; i++) {
      if (!accepts(p[i], args[i], true)) {
        return false;
      }
    }
    Class<?> element = p[p.length - 1].getComponentType();
    for (int i = p.length - 1; i < args.length; i++) {
      if (!accepts(element, args[i], true)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a value may be passed for a parameter of type {@code p}. */
  private static boolean accepts(Class<?> p, Object value, boolean boxing) {
    if (value == null) {
      return !p.isPrimitive();
    }
    Class<?> v = value.getClass();
    if (!p.isPrimitive()) {
      return p.isInstance(value);
    }
    Class<?> primitive = unbox(v);
    if (primitive == null) {
      return false;
    }
    // A boxed argument reaches a primitive parameter by unboxing (phase 2); arguments are always boxed
    // here, so phase 1 treats a box as the primitive it holds, as the compiler would for a literal.
    return WIDENS_TO.get(primitive).contains(p) || boxing && primitive == p;
  }

  private static Class<?> unbox(Class<?> box) {
    for (Map.Entry<Class<?>, Class<?>> e : BOXES.entrySet()) {
      if (e.getValue() == box) {
        return e.getKey();
      }
    }
    return null;
  }

  private static Method mostSpecific(List<Method> applicable, Class<?> type, String name, Object[] args) {
    List<Method> best = new ArrayList<>();
    for (Method m : applicable) {
      boolean dominated = false;
      for (Method other : applicable) {
        if (other != m && moreSpecific(other, m) && !moreSpecific(m, other)) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        best.add(m);
      }
    }
    if (best.size() != 1) {
      throw new DdlException("the call " + type.getSimpleName() + "." + name + "(" + describe(args)
          + ") is ambiguous between " + candidates(best) + "; pass arguments of the exact types");
    }
    return best.get(0);
  }

  /** Whether every parameter of {@code a} can be passed to the matching one of {@code b}. */
  private static boolean moreSpecific(Method a, Method b) {
    Class<?>[] pa = userParameters(a);
    Class<?>[] pb = userParameters(b);
    if (pa.length != pb.length) {
      return false;
    }
    for (int i = 0; i < pa.length; i++) {
      boolean ok = pa[i].isPrimitive() && pb[i].isPrimitive()
          ? WIDENS_TO.get(pa[i]).contains(pb[i])
          : pb[i].isAssignableFrom(pa[i].isPrimitive() ? BOXES.get(pa[i]) : pa[i]);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Object[] convert(Method m, Object[] args, boolean packVarargs) {
    Class<?>[] p = userParameters(m);
    Object[] out = new Object[p.length];
    int fixed = packVarargs ? p.length - 1 : p.length;
    for (int i = 0; i < fixed; i++) {
      out[i] = widen(p[i], args[i]);
    }
    if (packVarargs) {
      Class<?> element = p[p.length - 1].getComponentType();
      Object array = Array.newInstance(element, args.length - fixed);
      for (int i = fixed; i < args.length; i++) {
        Array.set(array, i - fixed, widen(element, args[i]));
      }
      out[p.length - 1] = array;
    }
    return out;
  }

  /** A boxed number as the box of primitive type {@code p} (widened); other values unchanged. */
  private static Object widen(Class<?> p, Object value) {
    if (!p.isPrimitive() || value == null) {
      return value;
    }
    if (value instanceof Character c) {
      value = (int) c;
      if (p == char.class) {
        return c;
      }
    }
    if (value instanceof Number n) {
      if (p == long.class) {
        return n.longValue();
      } else if (p == double.class) {
        return n.doubleValue();
      } else if (p == float.class) {
        return n.floatValue();
      } else if (p == int.class) {
        return n.intValue();
      } else if (p == short.class) {
        return n.shortValue();
      } else if (p == byte.class) {
        return n.byteValue();
      }
    }
    return value;
  }

  private static String describe(Object[] args) {
    return Arrays.stream(args).map(a -> a == null ? "null" : a.getClass().getSimpleName())
        .collect(Collectors.joining(", "));
  }

  private static String candidates(List<Method> methods) {
    return methods.stream().map(m -> m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
        .collect(Collectors.joining(", ", "(", ")"))).sorted().collect(Collectors.joining("; "));
  }
}
