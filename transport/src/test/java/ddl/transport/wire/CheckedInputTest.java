package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class CheckedInputTest {
  /** A string whose length header starts {@code offset} bytes into the stream, after filler. */
  private static byte[] stringAt(int offset, String text) {
    Output out = new Output(1024, -1);
    out.writeBytes(new byte[offset]);
    out.writeString(text);
    return out.toBytes();
  }

  @Test
  void stringWhoseHeaderStraddlesARefillReadsBack() {
    String text = "é".repeat(100) + "x".repeat(200); // non-ASCII: length header of two bytes
    for (int offset = 8180; offset <= 8195; offset++) {
      ByteBufInput input = new ByteBufInput(Unpooled.wrappedBuffer(stringAt(offset, text)));
      input.readBytes(offset);
      assertEquals(text, input.readString(), "header at byte " + offset);
    }
  }

  @Test
  void numbersThatStraddleARefillReadBack() {
    for (int offset = 8184; offset <= 8193; offset++) {
      Output out = new Output(1024, -1);
      out.writeBytes(new byte[offset]);
      out.writeInt(0x01020304);
      out.writeLong(-5L);
      out.writeDouble(2.5);
      ByteBufInput input = new ByteBufInput(Unpooled.wrappedBuffer(out.toBytes()));
      input.readBytes(offset);
      assertEquals(0x01020304, input.readInt(), "int at byte " + offset);
      assertEquals(-5L, input.readLong());
      assertEquals(2.5, input.readDouble());
    }
  }

  @Test
  void stringLongerThanTheMessageIsRefused() {
    byte[] bytes = stringAt(0, "é".repeat(300));
    byte[] cut = java.util.Arrays.copyOf(bytes, 40);
    assertThrows(KryoException.class, () -> new CheckedInput(cut, 0, cut.length).readString());
    assertThrows(KryoException.class, () -> new ByteBufInput(Unpooled.wrappedBuffer(cut)).readString());
  }
}
