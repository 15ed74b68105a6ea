package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.esotericsoftware.kryo.Kryo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A message with referenced arrays of every width copies out the same bytes whatever the size of
 * the pieces it is copied in: every chunk boundary, including inside an element.
 */
class MessageOutputTest {
  private static MessageOutput message() {
    Random random = new Random(9);
    Object[] values = new Object[10];
    float[] floats = new float[5003];
    double[] doubles = new double[2049];
    long[] longs = new long[2100];
    short[] shorts = new short[8200];
    byte[] bytes = new byte[16_385];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = random.nextFloat();
    }
    for (int i = 0; i < doubles.length; i++) {
      doubles[i] = random.nextDouble();
    }
    for (int i = 0; i < longs.length; i++) {
      longs[i] = random.nextLong();
    }
    for (int i = 0; i < shorts.length; i++) {
      shorts[i] = (short) random.nextInt();
    }
    random.nextBytes(bytes);
    values[0] = "a string between arrays";
    values[1] = floats;
    values[2] = 7;
    values[3] = doubles;
    values[4] = longs;
    values[5] = shorts;
    values[6] = "x";
    values[7] = bytes;
    values[8] = new float[3];
    values[9] = floats; // referenced again
    Kryo kryo = KryoFactory.create(MessageOutputTest.class.getClassLoader(), ClassPolicy.REGISTERED_ONLY);
    MessageOutput out = new MessageOutput(64, 1L << 30, 5);
    kryo.writeClassAndObject(out, values);
    return out;
  }

  private static byte[] copy(MessageOutput out, int piece) {
    int size = (int) out.size(5);
    ByteBuf all = Unpooled.buffer(size);
    MessageOutput.Cursor cursor = out.new Cursor(5);
    while (cursor.hasMore()) {
      ByteBuf chunk = Unpooled.buffer(piece);
      int n = cursor.copyTo(chunk, piece);
      assertEquals(chunk.readableBytes(), n);
      all.writeBytes(chunk);
    }
    byte[] bytes = new byte[all.readableBytes()];
    all.readBytes(bytes);
    return bytes;
  }

  @Test
  void everyPieceSizeCopiesTheSameBytes() {
    MessageOutput out = message();
    byte[] whole = copy(out, (int) out.size(5));
    assertEquals(out.size(5), whole.length);
    for (int piece = 1; piece <= 64; piece++) {
      assertArrayEquals(whole, copy(out, piece), "pieces of " + piece + " bytes");
    }
    for (int piece : new int[] {1000, 4095, 4096, 4097, 65_535, 100_003}) {
      assertArrayEquals(whole, copy(out, piece), "pieces of " + piece + " bytes");
    }
  }
}
