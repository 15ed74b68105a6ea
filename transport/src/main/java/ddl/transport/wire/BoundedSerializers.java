package ddl.transport.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Output;
import java.math.BigDecimal;
import java.math.BigInteger;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
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

  /** {@code List.of(...)} and {@code Stream.toList()}. */
  static Serializer<?> immutableList() {
    return new ImmutableCollection(ArrayList::new, List::copyOf);
  }

  /**
   * {@code CopyOnWriteArrayList}: read into an {@code ArrayList}, then copied once (its own
   * serializer adds element by element, copying the array each time: quadratic in the size a
   * message announces, which the decoder fuzzing found).
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static Serializer<?> copyOnWriteList() {
    return new ImmutableCollection(ArrayList::new, java.util.concurrent.CopyOnWriteArrayList::new);
  }

  /** {@code Set.of(...)}. */
  static Serializer<?> immutableSet() {
    return new ImmutableCollection(HashSet::new, Set::copyOf);
  }

  /** {@code Map.of(...)}. */
  static Serializer<?> immutableMap() {
    return new ImmutableMap();
  }

  /** A list view ({@code Arrays.asList}, {@code Collections.unmodifiableList}): its elements, wrapped again on reading. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static Serializer<?> wrappedList(Function<Object[], Collection> wrap) {
    return new ImmutableCollection(ArrayList::new, items -> wrap.apply(items.toArray()));
  }

  /** A set view ({@code Collections.unmodifiableSet}), wrapped again on reading. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static Serializer<?> wrappedSet(UnaryOperator<Set> wrap) {
    return new ImmutableCollection(LinkedHashSet::new, items -> wrap.apply((Set) items));
  }

  /** A map view ({@code Collections.unmodifiableMap}), wrapped again on reading. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static Serializer<?> wrappedMap(UnaryOperator<Map> wrap) {
    return new ImmutableMap(wrap);
  }

  /** A map entry ({@code Map.entry}, {@code AbstractMap.SimpleEntry}...): key and value. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static Serializer<?> entry(BiFunction<Object, Object, Map.Entry> make) {
    return new Serializer<Map.Entry>() {
      @Override
      public void write(Kryo kryo, Output output, Map.Entry entry) {
        kryo.writeClassAndObject(output, entry.getKey());
        kryo.writeClassAndObject(output, entry.getValue());
      }

      @Override
      public Map.Entry read(Kryo kryo, Input input, Class<? extends Map.Entry> type) {
        Object key = kryo.readClassAndObject(input);
        return make.apply(key, kryo.readClassAndObject(input));
      }
    };
  }

  /** {@code BigInteger}, its magnitude's length checked against the bytes left before allocating. */
  static Serializer<?> bigInteger() {
    return new Serializer<BigInteger>() {
      @Override
      public void write(Kryo kryo, Output output, BigInteger value) {
        byte[] bytes = value.toByteArray();
        output.writeVarInt(bytes.length, true);
        output.writeBytes(bytes);
      }

      @Override
      public BigInteger read(Kryo kryo, Input input, Class<? extends BigInteger> type) {
        return new BigInteger(boundedBytes(input));
      }
    };
  }

  /** {@code BigDecimal}: unscaled value and scale. */
  static Serializer<?> bigDecimal() {
    return new Serializer<BigDecimal>() {
      @Override
      public void write(Kryo kryo, Output output, BigDecimal value) {
        byte[] bytes = value.unscaledValue().toByteArray();
        output.writeVarInt(bytes.length, true);
        output.writeBytes(bytes);
        output.writeInt(value.scale(), false);
      }

      @Override
      public BigDecimal read(Kryo kryo, Input input, Class<? extends BigDecimal> type) {
        BigInteger unscaled = new BigInteger(boundedBytes(input));
        return new BigDecimal(unscaled, input.readInt(false));
      }
    };
  }

  private static byte[] boundedBytes(Input input) {
    int length = input.readVarInt(true);
    if (length < 1 || length > remaining(input)) {
      throw new KryoException("a number of " + length + " bytes does not fit the " + remaining(input)
          + " bytes that remain in the message");
    }
    return input.readBytes(length);
  }

  /**
   * Immutable collections and views ({@code List.of}, {@code Collections.unmodifiableList}...):
   * the size, then each element; read into a mutable collection sized by the bytes left, then made
   * immutable (or wrapped) again. The result is what other references to it in the message get, so
   * a collection shared within one message arrives shared; one that contains itself does not.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class ImmutableCollection extends Serializer<Collection> {
    private final IntFunction<Collection> mutable;
    private final UnaryOperator<Collection> freeze;

    ImmutableCollection(IntFunction<Collection> mutable, UnaryOperator<Collection> freeze) {
      this.mutable = mutable;
      this.freeze = freeze;
    }

    @Override
    public void write(Kryo kryo, Output output, Collection items) {
      output.writeVarInt(items.size(), true);
      for (Object item : items) {
        kryo.writeClassAndObject(output, item);
      }
    }

    @Override
    public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
      int size = input.readVarInt(true);
      if (size < 0 || size > remaining(input)) {
        throw new KryoException("a collection of " + size + " elements claims more than the " + remaining(input)
            + " bytes that remain in the message");
      }
      Collection items = mutable.apply(capacity(input, size));
      for (int i = 0; i < size; i++) {
        items.add(kryo.readClassAndObject(input));
      }
      Collection frozen = freeze.apply(items);
      kryo.reference(frozen);
      return frozen;
    }
  }

  /** Immutable maps and map views, as {@link ImmutableCollection}: the size, then keys and values. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class ImmutableMap extends Serializer<Map> {
    private final UnaryOperator<Map> freeze;

    ImmutableMap() {
      this(Map::copyOf);
    }

    ImmutableMap(UnaryOperator<Map> freeze) {
      this.freeze = freeze;
    }

    @Override
    public void write(Kryo kryo, Output output, Map map) {
      output.writeVarInt(map.size(), true);
      for (Object o : map.entrySet()) {
        Map.Entry e = (Map.Entry) o;
        kryo.writeClassAndObject(output, e.getKey());
        kryo.writeClassAndObject(output, e.getValue());
      }
    }

    @Override
    public Map read(Kryo kryo, Input input, Class<? extends Map> type) {
      int size = input.readVarInt(true);
      if (size < 0 || 2L * size > remaining(input)) {
        throw new KryoException("a map of " + size + " entries claims more than the " + remaining(input)
            + " bytes that remain in the message");
      }
      Map items = new LinkedHashMap<>(capacity(input, size));
      for (int i = 0; i < size; i++) {
        Object key = kryo.readClassAndObject(input);
        items.put(key, kryo.readClassAndObject(input));
      }
      Map frozen = freeze.apply(items);
      kryo.reference(frozen);
      return frozen;
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
