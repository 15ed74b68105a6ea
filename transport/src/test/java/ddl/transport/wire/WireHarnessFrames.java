package ddl.transport.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Cuts concatenated frames back into one byte array per frame. */
final class WireHarnessFrames {
  private WireHarnessFrames() {}

  static List<byte[]> split(byte[] frames) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(frames);
    while (in.hasRemaining()) {
      int length = in.getInt(in.position());
      byte[] frame = new byte[4 + length];
      in.get(frame);
      out.add(frame);
    }
    return out;
  }
}
