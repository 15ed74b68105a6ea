package ddl.transport.wire;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/** Kryo class resolution that lets an unregistered class pass by name only if the policy allows. */
final class GuardedClassResolver extends DefaultClassResolver {
  private final ClassPolicy policy;

  GuardedClassResolver(ClassPolicy policy) {
    this.policy = policy;
  }

  @Override
  public Registration registerImplicit(Class type) {
    Class<?> element = type;
    while (element.isArray()) {
      element = element.getComponentType();
    }
    if (!element.isPrimitive() && getRegistration(element) == null && !policy.allows(element)) {
      throw new KryoException("class " + type.getName() + " may not be sent: it is neither registered"
          + " nor shipped code (ship the class that defines it, or send plain data)");
    }
    return super.registerImplicit(type);
  }

  @Override
  protected Class getTypeByName(String className) {
    String element = elementName(className);
    if (element != null && !policy.allowsName(element)) {
      throw new KryoException("class " + className + " may not be received: not registered and not shipped");
    }
    return super.getTypeByName(className);
  }

  /**
   * The element class name of an array class name ({@code [[Lfoo.Bar;} gives {@code foo.Bar}), the
   * name itself for a class that is not an array, or null for arrays of primitives, which are plain
   * data and pass, as they do when sending (see {@link #registerImplicit}).
   */
  static String elementName(String className) {
    int dims = 0;
    while (dims < className.length() && className.charAt(dims) == '[') {
      dims++;
    }
    if (dims == 0) {
      return className;
    }
    String rest = className.substring(dims);
    if (rest.length() > 2 && rest.charAt(0) == 'L' && rest.endsWith(";")) {
      return rest.substring(1, rest.length() - 1);
    }
    return rest.length() == 1 && "ZBCSIJFD".contains(rest) ? null : className;
  }
}
