package ddl.transport;

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
    if (!policy.allowsName(className)) {
      throw new KryoException("class " + className + " may not be received: not registered and not shipped");
    }
    return super.getTypeByName(className);
  }
}
