package ddl.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.Collection;
import java.util.Map;

/**
 * Kryo serializers that never size a container by a count the payload cannot back: every element
 * takes at least one byte, so a count above the bytes left is a lie and is refused (arrays) or
 * not preallocated (collections, maps).
 */
final class BoundedSerializers {
  private BoundedSerializers() {}

  static void register(Kryo kryo) {
    kryo.addDefaultSerializer(Collection.class, BoundedCollection.class);
    kryo.addDefaultSerializer(Map.class, BoundedMap.class);
    kryo.addDefaultSerializer(Object[].class, BoundedObjectArray.class);
  }

  static int remaining(Input input) {
    return (int) Math.min(Integer.MAX_VALUE, CheckedInput.remaining(input));
  }

  /** Collections preallocate at most what the remaining bytes could hold. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public static final class BoundedCollection extends CollectionSerializer<Collection> {
    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      return super.create(kryo, input, type, Math.min(size, remaining(input)));
    }
  }

  /** Maps preallocate at most what the remaining bytes could hold. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public static final class BoundedMap extends MapSerializer<Map> {
    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      return super.create(kryo, input, type, Math.min(size, remaining(input)));
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
