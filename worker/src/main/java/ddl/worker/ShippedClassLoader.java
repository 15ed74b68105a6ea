package ddl.worker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defines the classes one session's master shipped. A child of the worker's own loader, so shipped
 * code sees DJL, Vert.x and the transport (which win over a shipped class of the same name); a new
 * session gets a new loader, so a changed class is picked up by the next session.
 */
final class ShippedClassLoader extends ClassLoader {
  static {
    registerAsParallelCapable();
  }

  private final Map<String, byte[]> classBytes = new ConcurrentHashMap<>();

  ShippedClassLoader(String sessionName, ClassLoader parent) {
    super(sessionName, parent);
  }

  /** Adds class files; a class already defined keeps its first version until the session resets. */
  void add(Map<String, byte[]> classes) {
    classes.forEach(classBytes::putIfAbsent);
  }

  boolean hasShipped(String name) {
    return classBytes.containsKey(name);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] bytes = classBytes.get(name);
    if (bytes == null) {
      throw new ClassNotFoundException(name + " is neither on the worker's classpath nor shipped by the master");
    }
    return defineClass(name, bytes, 0, bytes.length);
  }
}
