package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import org.junit.jupiter.api.Test;

/**
 * A peer that admits only registered and shipped classes still receives arrays of primitive
 * arrays ({@code float[][]}, the natural form of a model's tensors), which its sender lets through,
 * and still refuses arrays of classes it would refuse alone.
 */
class ArraysOfArraysPassTheClassGuardTest {
  private static final ClassPolicy SHIPPED_ONLY = new ClassPolicy() {
    @Override
    public boolean allows(Class<?> type) {
      return false;
    }

    @Override
    public boolean allowsName(String className) {
      return false;
    }
  };

  /** A class the receiving peer has not been shipped. */
  record Unshipped(int value) {}

  private static Object roundTrip(Object value) {
    Kryo kryo = KryoFactory.create(ArraysOfArraysPassTheClassGuardTest.class.getClassLoader(), SHIPPED_ONLY);
    MessageOutput out = new MessageOutput(256, Integer.MAX_VALUE - 64, 0);
    kryo.writeClassAndObject(out, value);
    return kryo.readClassAndObject(new Input(out.getBuffer(), 0, out.position()));
  }

  @Test
  void floatAndIntMatricesCrossAGuardedPeer() {
    float[][] weights = {{1f, 2f, 3f}, {4f}};
    float[][] back = (float[][]) roundTrip(weights);
    assertArrayEquals(weights[0], back[0]);
    assertArrayEquals(weights[1], back[1]);
    int[][][] cube = {{{1, 2}}, {{3}}};
    assertEquals(3, ((int[][][]) roundTrip(cube))[1][0][0]);
  }

  @Test
  void elementNamesOfArrayClasses() {
    assertNull(GuardedClassResolver.elementName("[[F"));
    assertNull(GuardedClassResolver.elementName("[I"));
    assertEquals("foo.Bar", GuardedClassResolver.elementName("[[Lfoo.Bar;"));
    assertEquals("foo.Bar", GuardedClassResolver.elementName("foo.Bar"));
    assertEquals("[Q", GuardedClassResolver.elementName("[Q"));
  }

  @Test
  void arraysOfRefusedClassesStayRefused() {
    Kryo kryo = KryoFactory.create(getClass().getClassLoader(), SHIPPED_ONLY);
    MessageOutput out = new MessageOutput(256, Integer.MAX_VALUE - 64, 0);
    // Written by a peer that may send it; refused by this one, which has not shipped it.
    Kryo sender = KryoFactory.create(getClass().getClassLoader(), new ClassPolicy() {
      @Override
      public boolean allows(Class<?> type) {
        return true;
      }

      @Override
      public boolean allowsName(String className) {
        return true;
      }
    });
    sender.writeClassAndObject(out, new Unshipped[][] {{new Unshipped(1)}});
    assertThrows(KryoException.class,
        () -> kryo.readClassAndObject(new Input(out.getBuffer(), 0, out.position())));
  }
}
