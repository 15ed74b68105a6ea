package ddl.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.serializers.OptionalSerializers;
import com.esotericsoftware.kryo.serializers.TimeSerializers;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import com.esotericsoftware.minlog.Log;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Builds Kryo instances that both sides configure identically: the same registrations in the same
 * order, so a class id means the same class everywhere.
 */
final class KryoFactory {
  static {
    // Kryo's closure serializer logs a warning when it cannot open JDK internals; it has a fallback.
    Log.set(Log.LEVEL_ERROR);
  }

  private KryoFactory() {}

  static Kryo create(ClassLoader loader, ClassPolicy policy) {
    Kryo kryo = new Kryo(new GuardedClassResolver(policy), new MapReferenceResolver());
    kryo.setRegistrationRequired(false); // the resolver enforces the policy instead
    kryo.setWarnUnregisteredClasses(false);
    kryo.setReferences(false);
    kryo.setMaxDepth(256);
    kryo.setClassLoader(loader);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    TimeSerializers.addDefaultSerializers(kryo);
    OptionalSerializers.addDefaultSerializers(kryo);
    BoundedSerializers.register(kryo);

    BulkArraySerializers.register(kryo);
    for (Class<?> type : new Class<?>[] {
        Object[].class, String[].class,
        java.util.ArrayList.class, java.util.LinkedList.class, java.util.HashMap.class,
        java.util.LinkedHashMap.class, java.util.TreeMap.class, java.util.HashSet.class,
        java.util.LinkedHashSet.class, java.util.TreeSet.class, java.util.ArrayDeque.class,
        java.util.Collections.emptyList().getClass(), java.util.Collections.emptyMap().getClass(),
        java.util.Collections.emptySet().getClass(), java.util.Optional.class,
        java.time.Duration.class, java.time.Instant.class, Void.class,
    }) {
      kryo.register(type);
    }
    BoundedSerializers.registerImmutables(kryo);
    kryo.register(ClosureSerializer.Closure.class, new LambdaSerializer());
    for (Class<?> type : Messages.class.getDeclaredClasses()) {
      if (type.isRecord()) {
        kryo.register(type);
      }
    }
    return kryo;
  }
}
