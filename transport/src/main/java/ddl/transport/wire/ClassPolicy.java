package ddl.transport.wire;

/**
 * Which classes that are not registered with Kryo may travel by name. Registered classes always
 * may; anything else must be allowed here, so a peer cannot make this side load an arbitrary class.
 */
public interface ClassPolicy {
  /** Whether an object of this class may be written or read by its name. */
  boolean allows(Class<?> type);

  /** Whether a class of this name may be looked up at all (checked before loading it). */
  default boolean allowsName(String className) {
    return true;
  }

  /**
   * Allows the application's own classes (anything not from the JDK's loaders or JDK packages),
   * used once a peer has authenticated: one that knows the secret may ship and run code anyway.
   */
  ClassPolicy APPLICATION = new ClassPolicy() {
    @Override
    public boolean allows(Class<?> type) {
      ClassLoader loader = type.getClassLoader();
      return loader != null && loader != ClassLoader.getPlatformClassLoader() && allowsName(type.getName());
    }

    @Override
    public boolean allowsName(String className) {
      return !isJdkName(className);
    }
  };

  /** Whether a class name belongs to the JDK, which never travels by name and is never shipped. */
  static boolean isJdkName(String name) {
    return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
        || name.startsWith("sun.") || name.startsWith("com.sun.");
  }

  /** Allows nothing beyond the registered classes. */
  ClassPolicy REGISTERED_ONLY = new ClassPolicy() {
    @Override
    public boolean allows(Class<?> type) {
      return false;
    }

    @Override
    public boolean allowsName(String className) {
      return false;
    }
  };
}
