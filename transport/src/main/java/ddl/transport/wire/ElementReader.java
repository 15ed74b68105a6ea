package ddl.transport.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fills an array from little-endian bytes that arrive in parts of any size, so an element may be
 * split between two parts: whole elements are copied straight from each part, a split one is
 * assembled in a few bytes of its own.
 */
final class ElementReader {
  private final int width;
  private final MessageOutput.Elements elements;
  private final ByteBuffer carry;
  private int done;

  ElementReader(int width, MessageOutput.Elements elements) {
    this.width = width;
    this.elements = elements;
    this.carry = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Takes every remaining byte of {@code part}. */
  void accept(ByteBuffer part) {
    part.order(ByteOrder.LITTLE_ENDIAN);
    if (carry.position() > 0) {
      while (carry.hasRemaining() && part.hasRemaining()) {
        carry.put(part.get());
      }
      if (carry.hasRemaining()) {
        return;
      }
      carry.flip();
      elements.copy(carry, done++, 1);
      carry.clear();
    }
    int whole = part.remaining() / width;
    if (whole > 0) {
      elements.copy(part.slice(part.position(), whole * width).order(ByteOrder.LITTLE_ENDIAN), done, whole);
      done += whole;
      part.position(part.position() + whole * width);
    }
    carry.put(part);
  }
}
