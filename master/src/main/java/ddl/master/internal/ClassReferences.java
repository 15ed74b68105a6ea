package ddl.master.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes a class file names: its constant pool's class entries and every class in its type
 * descriptors and signatures (parameter, field and generic types), as binary names.
 */
final class ClassReferences {
  private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([\\w/$]+)[;<]");

  private ClassReferences() {}

  static Set<String> of(byte[] classFile) {
    Set<String> names = new TreeSet<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IllegalArgumentException("not a class file");
      }
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      int[] classNameIndex = new int[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 7 -> classNameIndex[i] = in.readUnsignedShort();
          case 8, 16, 19, 20 -> in.readUnsignedShort();
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
          case 15 -> {
            in.readUnsignedByte();
            in.readUnsignedShort();
          }
          case 5, 6 -> {
            in.readLong();
            i++;
          }
          default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
        }
      }
      for (int i = 1; i < count; i++) {
        if (classNameIndex[i] != 0) {
          add(names, utf8[classNameIndex[i]]);
        }
        if (utf8[i] != null && utf8[i].indexOf(';') > 0) {
          Matcher m = DESCRIPTOR_CLASS.matcher(utf8[i]);
          while (m.find()) {
            names.add(m.group(1).replace('/', '.'));
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated class file", e);
    }
    return names;
  }

  private static void add(Set<String> names, String internal) {
    if (internal == null) {
      return;
    }
    String name = internal;
    while (name.startsWith("[")) {
      name = name.substring(1);
    }
    if (name.startsWith("L") && name.endsWith(";")) {
      name = name.substring(1, name.length() - 1);
    } else if (name.length() == 1 && internal.startsWith("[")) {
      return; // array of primitives
    }
    names.add(name.replace('/', '.'));
  }
}
