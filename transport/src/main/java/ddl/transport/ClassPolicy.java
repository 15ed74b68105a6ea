package ddl.transport;

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
