package ddl.transport.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.OptionalSerializers;
import com.esotericsoftware.kryo.serializers.TimeSerializers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The wire contract: every class that travels by number, with its number, in one table. Both sides
 * register exactly this table, so a number means the same class everywhere, whatever the JDK's
 * implementation classes are called; a {@link #fingerprint()} of the table is exchanged in the
 * handshake, so a master and a worker built from different tables refuse each other with a message
 * naming both versions instead of misreading each other's bytes. Classes not in the table travel
 * by name only if they are application classes (shipped code), never JDK classes.
 *
 * <p>To change the table, add entries with new numbers (never reuse one): the fingerprint changes
 * and older peers are refused.
 */
public final class WireContract {
  /** One registration: a number, the name that stands for the class in the fingerprint, the class and its serializer. */
  record Entry(int id, String name, Class<?> type, Function<Kryo, Serializer<?>> serializer) {}

  /** The handshake's layout (see {@link Handshake}); 2 added the session name. */
  static final int HANDSHAKE_VERSION = 2;
  private static final List<Entry> ENTRIES = entries();
  private static final String FINGERPRINT = fingerprintOf(ENTRIES);

  private WireContract() {}

  /** The table, in id order. */
  static List<Entry> entries() {
    if (ENTRIES != null) {
      return ENTRIES;
    }
    List<Entry> e = new ArrayList<>();
    // 10-19: bulk arrays, copied as one block of little-endian bytes.
    e.add(new Entry(10, "float[]", float[].class, k -> new BulkArraySerializers.FloatArray()));
    e.add(new Entry(11, "double[]", double[].class, k -> new BulkArraySerializers.DoubleArray()));
    e.add(new Entry(12, "int[]", int[].class, k -> new BulkArraySerializers.IntArray()));
    e.add(new Entry(13, "long[]", long[].class, k -> new BulkArraySerializers.LongArray()));
    e.add(new Entry(14, "byte[]", byte[].class, k -> new BulkArraySerializers.ByteArray()));
    e.add(new Entry(15, "short[]", short[].class, k -> new BulkArraySerializers.ShortArray()));
    e.add(new Entry(16, "char[]", char[].class, k -> new BulkArraySerializers.CharArray()));
    e.add(new Entry(17, "boolean[]", boolean[].class, k -> new BulkArraySerializers.BooleanArray()));
    // 20-29: arrays of objects.
    e.add(new Entry(20, "Object[]", Object[].class, null));
    e.add(new Entry(21, "String[]", String[].class, null));
    e.add(new Entry(22, "float[][]", float[][].class, null));
    e.add(new Entry(23, "int[][]", int[][].class, null));
    e.add(new Entry(24, "double[][]", double[][].class, null));
    e.add(new Entry(25, "long[][]", long[][].class, null));
    e.add(new Entry(26, "byte[][]", byte[][].class, null));
    // 30-59: mutable JDK collections and maps.
    e.add(new Entry(30, "java.util.ArrayList", java.util.ArrayList.class, null));
    e.add(new Entry(31, "java.util.LinkedList", java.util.LinkedList.class, null));
    e.add(new Entry(32, "java.util.HashMap", java.util.HashMap.class, null));
    e.add(new Entry(33, "java.util.LinkedHashMap", java.util.LinkedHashMap.class, null));
    e.add(new Entry(34, "java.util.TreeMap", java.util.TreeMap.class, null));
    e.add(new Entry(35, "java.util.HashSet", java.util.HashSet.class, null));
    e.add(new Entry(36, "java.util.LinkedHashSet", java.util.LinkedHashSet.class, null));
    e.add(new Entry(37, "java.util.TreeSet", java.util.TreeSet.class, null));
    e.add(new Entry(38, "java.util.ArrayDeque", java.util.ArrayDeque.class, null));
    e.add(new Entry(39, "java.util.concurrent.ConcurrentHashMap", java.util.concurrent.ConcurrentHashMap.class, null));
    // Read into an ArrayList first: adding to a CopyOnWriteArrayList one by one copies it each time.
    e.add(new Entry(40, "java.util.concurrent.CopyOnWriteArrayList",
        java.util.concurrent.CopyOnWriteArrayList.class, k -> BoundedSerializers.copyOnWriteList()));
    e.add(new Entry(41, "java.util.concurrent.ConcurrentLinkedQueue",
        java.util.concurrent.ConcurrentLinkedQueue.class, null));
    e.add(new Entry(42, "java.util.Vector", java.util.Vector.class, null));
    e.add(new Entry(43, "java.util.BitSet", java.util.BitSet.class, k -> new DefaultSerializers.BitSetSerializer()));
    // 60-89: the JDK's immutable and wrapped collections, by what they are rather than their class names.
    e.add(new Entry(60, "java.util.Collections.emptyList()", Collections.emptyList().getClass(),
        k -> new DefaultSerializers.CollectionsEmptyListSerializer()));
    e.add(new Entry(61, "java.util.Collections.emptyMap()", Collections.emptyMap().getClass(),
        k -> new DefaultSerializers.CollectionsEmptyMapSerializer()));
    e.add(new Entry(62, "java.util.Collections.emptySet()", Collections.emptySet().getClass(),
        k -> new DefaultSerializers.CollectionsEmptySetSerializer()));
    e.add(new Entry(63, "java.util.Collections.singletonList()", Collections.singletonList(1).getClass(),
        k -> new DefaultSerializers.CollectionsSingletonListSerializer()));
    e.add(new Entry(64, "java.util.Collections.singleton()", Collections.singleton(1).getClass(),
        k -> new DefaultSerializers.CollectionsSingletonSetSerializer()));
    e.add(new Entry(65, "java.util.Collections.singletonMap()", Collections.singletonMap(1, 1).getClass(),
        k -> new DefaultSerializers.CollectionsSingletonMapSerializer()));
    e.add(new Entry(66, "java.util.List.of(1..2)", List.of(1).getClass(), k -> BoundedSerializers.immutableList()));
    e.add(new Entry(67, "java.util.List.of(0, 3..)", List.of(1, 2, 3).getClass(), k -> BoundedSerializers.immutableList()));
    e.add(new Entry(68, "java.util.List.of().subList()", List.of(1, 2, 3, 4).subList(0, 2).getClass(),
        k -> BoundedSerializers.immutableList()));
    e.add(new Entry(69, "java.util.Set.of(1..2)", java.util.Set.of(1).getClass(), k -> BoundedSerializers.immutableSet()));
    e.add(new Entry(70, "java.util.Set.of(0, 3..)", java.util.Set.of(1, 2, 3).getClass(),
        k -> BoundedSerializers.immutableSet()));
    e.add(new Entry(71, "java.util.Map.of(1)", java.util.Map.of(1, 1).getClass(), k -> BoundedSerializers.immutableMap()));
    e.add(new Entry(72, "java.util.Map.of(0, 2..)", java.util.Map.of(1, 1, 2, 2).getClass(),
        k -> BoundedSerializers.immutableMap()));
    e.add(new Entry(73, "java.util.Arrays.asList()", java.util.Arrays.asList(1, 2).getClass(),
        k -> BoundedSerializers.wrappedList(java.util.Arrays::asList)));
    e.add(new Entry(74, "java.util.Collections.unmodifiableList()",
        Collections.unmodifiableList(new java.util.ArrayList<>()).getClass(),
        k -> BoundedSerializers.wrappedList(a -> Collections.unmodifiableList(java.util.Arrays.asList(a)))));
    e.add(new Entry(75, "java.util.Collections.unmodifiableList(LinkedList)",
        Collections.unmodifiableList(new java.util.LinkedList<>()).getClass(),
        k -> BoundedSerializers.wrappedList(a -> Collections.unmodifiableList(new java.util.LinkedList<>(
            java.util.Arrays.asList(a))))));
    e.add(new Entry(76, "java.util.Collections.unmodifiableSet()",
        Collections.unmodifiableSet(new java.util.HashSet<>()).getClass(),
        k -> BoundedSerializers.wrappedSet(s -> Collections.unmodifiableSet(s))));
    e.add(new Entry(77, "java.util.Collections.unmodifiableMap()",
        Collections.unmodifiableMap(new java.util.HashMap<>()).getClass(),
        k -> BoundedSerializers.wrappedMap(m -> Collections.unmodifiableMap(m))));
    e.add(new Entry(78, "java.util.Collections.unmodifiableCollection()",
        Collections.unmodifiableCollection(new java.util.ArrayList<>()).getClass(),
        k -> BoundedSerializers.wrappedList(a -> Collections.unmodifiableCollection(java.util.Arrays.asList(a)))));
    e.add(new Entry(79, "java.util.Map.entry()", java.util.Map.entry(1, 1).getClass(),
        k -> BoundedSerializers.entry(java.util.Map::entry)));
    e.add(new Entry(80, "java.util.AbstractMap.SimpleEntry", java.util.AbstractMap.SimpleEntry.class,
        k -> BoundedSerializers.entry(java.util.AbstractMap.SimpleEntry::new)));
    e.add(new Entry(81, "java.util.AbstractMap.SimpleImmutableEntry",
        java.util.AbstractMap.SimpleImmutableEntry.class,
        k -> BoundedSerializers.entry(java.util.AbstractMap.SimpleImmutableEntry::new)));
    e.add(new Entry(82, "java.util.Collections.unmodifiableSortedSet()",
        Collections.unmodifiableSortedSet(new java.util.TreeSet<>()).getClass(),
        k -> BoundedSerializers.wrappedSet(s -> Collections.unmodifiableSortedSet(new java.util.TreeSet<>(s)))));
    e.add(new Entry(83, "java.util.Collections.unmodifiableSortedMap()",
        Collections.unmodifiableSortedMap(new java.util.TreeMap<>()).getClass(),
        k -> BoundedSerializers.wrappedMap(m -> Collections.unmodifiableSortedMap(new java.util.TreeMap<>(m)))));
    // 90-119: JDK values.
    e.add(new Entry(90, "java.util.Optional", java.util.Optional.class, k -> new OptionalSerializers.OptionalSerializer()));
    e.add(new Entry(91, "java.util.OptionalInt", java.util.OptionalInt.class,
        k -> new OptionalSerializers.OptionalIntSerializer()));
    e.add(new Entry(92, "java.util.OptionalLong", java.util.OptionalLong.class,
        k -> new OptionalSerializers.OptionalLongSerializer()));
    e.add(new Entry(93, "java.util.OptionalDouble", java.util.OptionalDouble.class,
        k -> new OptionalSerializers.OptionalDoubleSerializer()));
    e.add(new Entry(94, "java.time.Duration", java.time.Duration.class, k -> new TimeSerializers.DurationSerializer()));
    e.add(new Entry(95, "java.time.Instant", java.time.Instant.class, k -> new TimeSerializers.InstantSerializer()));
    e.add(new Entry(96, "java.time.LocalDate", java.time.LocalDate.class, k -> new TimeSerializers.LocalDateSerializer()));
    e.add(new Entry(97, "java.time.LocalTime", java.time.LocalTime.class, k -> new TimeSerializers.LocalTimeSerializer()));
    e.add(new Entry(98, "java.time.LocalDateTime", java.time.LocalDateTime.class,
        k -> new TimeSerializers.LocalDateTimeSerializer()));
    e.add(new Entry(99, "java.time.ZoneOffset", java.time.ZoneOffset.class, k -> new TimeSerializers.ZoneOffsetSerializer()));
    e.add(new Entry(100, "java.time.ZoneId", zoneRegionClass(), k -> new TimeSerializers.ZoneIdSerializer()));
    e.add(new Entry(101, "java.time.OffsetDateTime", java.time.OffsetDateTime.class,
        k -> new TimeSerializers.OffsetDateTimeSerializer()));
    e.add(new Entry(102, "java.time.OffsetTime", java.time.OffsetTime.class, k -> new TimeSerializers.OffsetTimeSerializer()));
    e.add(new Entry(103, "java.time.ZonedDateTime", java.time.ZonedDateTime.class,
        k -> new TimeSerializers.ZonedDateTimeSerializer()));
    e.add(new Entry(104, "java.time.Year", java.time.Year.class, k -> new TimeSerializers.YearSerializer()));
    e.add(new Entry(105, "java.time.YearMonth", java.time.YearMonth.class, k -> new TimeSerializers.YearMonthSerializer()));
    e.add(new Entry(106, "java.time.MonthDay", java.time.MonthDay.class, k -> new TimeSerializers.MonthDaySerializer()));
    e.add(new Entry(107, "java.time.Period", java.time.Period.class, k -> new TimeSerializers.PeriodSerializer()));
    e.add(new Entry(108, "java.time.DayOfWeek", java.time.DayOfWeek.class, null));
    e.add(new Entry(109, "java.time.Month", java.time.Month.class, null));
    e.add(new Entry(110, "java.math.BigInteger", java.math.BigInteger.class, k -> BoundedSerializers.bigInteger()));
    e.add(new Entry(111, "java.math.BigDecimal", java.math.BigDecimal.class, k -> BoundedSerializers.bigDecimal()));
    e.add(new Entry(112, "java.util.UUID", java.util.UUID.class, k -> new DefaultSerializers.UUIDSerializer()));
    e.add(new Entry(113, "java.net.URI", java.net.URI.class, k -> new DefaultSerializers.URISerializer()));
    e.add(new Entry(114, "java.util.Locale", java.util.Locale.class, k -> new DefaultSerializers.LocaleSerializer()));
    e.add(new Entry(115, "java.util.concurrent.TimeUnit", java.util.concurrent.TimeUnit.class, null));
    e.add(new Entry(116, "java.lang.Void", Void.class, null));
    e.add(new Entry(117, "java.time.temporal.ChronoUnit", java.time.temporal.ChronoUnit.class, null));
    // 120-129: code.
    e.add(new Entry(120, "lambda", ClosureSerializer.Closure.class, k -> new LambdaSerializer()));
    // 200-299: the protocol's own records, by explicit number.
    for (Class<?> type : Messages.BY_ID) {
      if (type != null) {
        e.add(new Entry(200 + Messages.idOf(type), type.getName(), type, null));
      }
    }
    return List.copyOf(e);
  }

  private static Class<?> zoneRegionClass() {
    return java.time.ZoneId.of("Europe/Paris").getClass();
  }

  /** Registers the table with {@code kryo}. */
  static void register(Kryo kryo) {
    for (Entry entry : ENTRIES) {
      if (entry.serializer() == null) {
        kryo.register(entry.type(), entry.id());
      } else {
        kryo.register(entry.type(), entry.serializer().apply(kryo), entry.id());
      }
    }
  }

  /** 16 hex digits that change whenever the table, Kryo's own numbering, the frame or the handshake layout changes. */
  public static String fingerprint() {
    return FINGERPRINT;
  }

  /** The DDL version this build speaks, for messages. */
  public static String version() {
    return ddl.transport.cli.ProjectVersion.version();
  }

  private static String fingerprintOf(List<Entry> entries) {
    StringBuilder text = new StringBuilder("frame " + Frame.VERSION + "\nhandshake " + HANDSHAKE_VERSION + "\n");
    Kryo plain = new Kryo();
    for (int id = 0; id < 10; id++) {
      var registration = plain.getRegistration(id);
      if (registration != null) {
        text.append(id).append(' ').append(registration.getType().getName()).append('\n');
      }
    }
    for (Entry e : entries) {
      text.append(e.id()).append(' ').append(e.name()).append(' ')
          .append(e.serializer() == null ? "default" : e.serializer().apply(plain).getClass().getSimpleName())
          .append('\n');
      if (e.type().isRecord()) {
        for (var c : e.type().getRecordComponents()) {
          text.append("  ").append(c.getName()).append(' ').append(c.getType().getName()).append('\n');
        }
      }
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
