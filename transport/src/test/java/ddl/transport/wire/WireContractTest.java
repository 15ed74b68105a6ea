package ddl.transport.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ddl.transport.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the wire contract: the fingerprint and the exact bytes of a few frames. A change here means
 * masters and workers of the old and the new build cannot talk to each other; if that is intended,
 * update the constants (and say so in the change), otherwise a number or a record moved by accident.
 */
class WireContractTest {
  private static final String FINGERPRINT = "bfbc33c88074a61c";

  private final PayloadCodec codec = new PayloadCodec(TransportConfig.defaults(), getClass().getClassLoader(),
      ClassPolicy.APPLICATION);

  private String hex(FrameKind kind, long id, Object value) {
    ByteBuf frame = codec.encodeFrame(kind, id, value);
    try {
      return ByteBufUtil.hexDump(frame);
    } finally {
      frame.release();
    }
  }

  @Test
  void theFingerprintIsPinned() {
    assertEquals(FINGERPRINT, WireContract.fingerprint());
  }

  /**
   * Read the first: {@code 0000000f} length, {@code 02} frame version, {@code 04} REQUEST, {@code 00}
   * flags, {@code 0000000000000007} request id, then Kryo: {@code ca01} class 200 (Ping) + 2 as a
   * varint, {@code 01} a new reference, {@code 54} the long 42 zigzagged.
   */
  @Test
  void framesOfAFewMessagesArePinned() {
    assertEquals("0000000f0204000000000000000007ca010154", hex(FrameKind.REQUEST, 7, new Messages.Ping(42)));
    assertEquals("0000001b0204000000000000000008d00101016d6f6465ec44010202020204",
        hex(FrameKind.REQUEST, 8, new Messages.Put("model", List.of(1, 2))));
    assertEquals("0000001102050000000000000000096201e80f021d",
        hex(FrameKind.RESPONSE, 9, LocalDate.of(2024, 2, 29)));
    assertEquals("00000047020600000000000000000ada010100016a"
        + "6176612e6c616e672e496c6c6567616c5374617465457863657074696fee016261e4440101d9010101824101412e6a6176e106018262",
        hex(FrameKind.ERROR, 10, new Messages.RemoteError("java.lang.IllegalStateException", "bad",
            List.of(new Messages.RemoteFrame("A", "b", "A.java", 3)), null)));
    assertEquals("00000016020500000000000000000b0c01020000803f000020c0",
        hex(FrameKind.RESPONSE, 11, new float[] {1f, -2.5f}));
  }

  @Test
  void numbersComeFromTheTableNotFromRegistrationOrder() {
    var kryo = KryoFactory.create(getClass().getClassLoader(), ClassPolicy.APPLICATION);
    for (WireContract.Entry e : WireContract.entries()) {
      assertEquals(e.id(), kryo.getRegistration(e.type()).getId(), e.name());
    }
    assertEquals(96, kryo.getRegistration(LocalDate.class).getId());
    assertEquals(200, kryo.getRegistration(Messages.Ping.class).getId());
    assertEquals(kryo.getRegistration(List.of(1).getClass()).getId(), 66, "List.of(x) by what it is, not its class name");
  }
}
