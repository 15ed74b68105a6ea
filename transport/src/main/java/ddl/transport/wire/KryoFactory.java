package ddl.transport.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import com.esotericsoftware.minlog.Log;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Builds Kryo instances that both sides configure identically from the {@link WireContract}.
 * References are on: an object that appears twice in a message arrives once, shared, and cycles
 * through ordinary objects are kept. Nesting is limited to {@link #MAX_DEPTH} levels.
 */
final class KryoFactory {
  /** Deepest nesting of objects in one message. */
  static final int MAX_DEPTH = 1000;

  static {
    // Kryo's closure serializer logs a warning when it cannot open JDK internals; it has a fallback.
    Log.set(Log.LEVEL_ERROR);
  }

  private KryoFactory() {}

  static Kryo create(ClassLoader loader, ClassPolicy policy) {
    Kryo kryo = new Kryo(new GuardedClassResolver(policy), new MapReferenceResolver());
    kryo.setRegistrationRequired(false); // the resolver enforces the policy instead
    kryo.setWarnUnregisteredClasses(false);
    kryo.setReferences(true);
    kryo.setMaxDepth(MAX_DEPTH);
    kryo.setClassLoader(loader);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    BoundedSerializers.register(kryo);
    WireContract.register(kryo);
    return kryo;
  }
}
