package ddl.master;

import ddl.transport.ClassPolicy;

/**
 * On the master, objects of the application's own classes may travel by name (they are what the
 * master ships); JDK classes travel only if registered.
 */
final class MasterClassPolicy implements ClassPolicy {
  @Override
  public boolean allows(Class<?> type) {
    return type.getClassLoader() != null && type.getClassLoader() != ClassLoader.getPlatformClassLoader()
        && ClassShipper.shippable(type.getName());
  }

  @Override
  public boolean allowsName(String className) {
    return ClassShipper.shippable(className);
  }
}
