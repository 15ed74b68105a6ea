package ddl.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * Kryo serializers that never size a container by a count the payload cannot back: every element
 * takes at least one byte, so a count above the bytes left is a lie and is refused (arrays) or
 * not preallocated (collections, maps).
 */
final class BoundedSerializers {
  private BoundedSerializers() {}

  /** Default serializers for collections, maps and object arrays (call before registering classes). */
  static void register(Kryo kryo) {
    kryo.addDefaultSerializer(Collection.class, BoundedCollection.class);
    kryo.addDefaultSerializer(Map.class, BoundedMap.class);
    kryo.addDefaultSerializer(Object[].class, BoundedObjectArray.class);
  }

  /** Registers the JDK's immutable collections ({@code List.of}, {@code Stream.toList()}, ...). */
  static void registerImmutables(Kryo kryo) {
    ImmutableCollection list = new ImmutableCollection(ArrayList::new, List::copyOf);
    for (Class<?> type : List.of(List.of().getClass(), List.of(1).getClass(), List.of(1, 2, 3, 4).getClass(),
        List.of(1, 2, 3, 4).subList(0, 2).getClass())) {
      kryo.register(type, list);
    }
    ImmutableCollection set = new ImmutableCollection(HashSet::new, Set::copyOf);
    for (Class<?> type : List.of(Set.of().getClass(), Set.of(1).getClass(), Set.of(1, 2, 3, 4).getClass())) {
      kryo.register(type, set);
    }
    ImmutableMap map = new ImmutableMap();
    for (Class<?> type : List.of(Map.of().getClass(), Map.of(1, 2).getClass(), Map.of(1, 2, 3, 4).getClass())) {
      kryo.register(type, map);
    }
  }

  /**
   * {@code List.of(...)}, {@code Set.of(...)} and friends: read into a mutable collection sized by
   * the bytes left, then made immutable.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class ImmutableCollection extends CollectionSerializer<Collection> {
    private final IntFunction<Collection> mutable;
    private final UnaryOperator<Collection> freeze;

    ImmutableCollection(IntFunction<Collection> mutable, UnaryOperator<Collection> freeze) {
      this.mutable = mutable;
      this.freeze = freeze;
      setElementsCanBeNull(false);
    }

    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      return mutable.apply(capacity(input, size));
    }

    @Override
    public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
      Collection items = super.read(kryo, input, type);
      return items == null ? null : freeze.apply(items);
    }
  }

  /** {@code Map.of(...)}: read into a map, then made immutable. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class ImmutableMap extends MapSerializer<Map> {
    ImmutableMap() {
      setKeysCanBeNull(false);
      setValuesCanBeNull(false);
    }

    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      return new HashMap<>();
    }

    @Override
    public Map read(Kryo kryo, Input input, Class<? extends Map> type) {
      Map items = super.read(kryo, input, type);
      return items == null ? null : Map.copyOf(items);
    }
  }

  /** Most slots preallocated for a container; larger ones grow as their elements arrive. */
  static final int MAX_PREALLOCATED = 1 << 16;

  static int remaining(Input input) {
    return (int) Math.min(Integer.MAX_VALUE, CheckedInput.remaining(input));
  }

  /** Capacity to preallocate for {@code size} announced elements. */
  static int capacity(Input input, int size) {
    return Math.max(0, Math.min(size, Math.min(remaining(input), MAX_PREALLOCATED)));
  }

  /** Collections preallocate at most what the remaining bytes could hold. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public static final class BoundedCollection extends CollectionSerializer<Collection> {
    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      return super.create(kryo, input, type, capacity(input, size));
    }
  }

  /** Maps preallocate at most what the remaining bytes could hold. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public static final class BoundedMap extends MapSerializer<Map> {
    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      return super.create(kryo, input, type, capacity(input, size));
    }
  }

  /** Object arrays whose length the remaining bytes cannot back are refused before allocation. */
  public static final class BoundedObjectArray extends ObjectArraySerializer {
    public BoundedObjectArray(Kryo kryo, Class<?> type) {
      super(kryo, type);
    }

    @Override
    public Object[] read(Kryo kryo, Input input, Class type) {
      int start = input.position();
      int lengthPlusOne = input.readVarInt(true);
      input.setPosition(start);
      if (lengthPlusOne - 1 > remaining(input)) {
        throw new KryoException("array of " + (lengthPlusOne - 1) + " elements claims more than the "
            + remaining(input) + " bytes that remain in the message");
      }
      return super.read(kryo, input, type);
    }
  }
}
