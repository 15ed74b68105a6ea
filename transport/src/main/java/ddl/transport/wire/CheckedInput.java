package ddl.transport.wire;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo input that knows how many bytes of the message are left, so serializers can refuse a
 * count the message cannot back, and that refuses such a string itself.
 */
class CheckedInput extends Input {
  CheckedInput(byte[] buffer, int offset, int count) {
    super(buffer, offset, count);
  }

  /** For subclasses that fill a small buffer from elsewhere. */
  CheckedInput(int bufferSize) {
    super(bufferSize);
  }

  /** Bytes of the message not read yet. */
  long remaining() {
    return limit - position;
  }

  /** Bytes left in {@code input}'s message, for any Kryo input. */
  static long remaining(Input input) {
    return input instanceof CheckedInput checked ? checked.remaining() : input.limit() - input.position();
  }

  @Override
  public String readString() {
    long left = remaining();
    if (left > 0) {
      // Buffer the whole length header first, so peeking at it never moves the buffer.
      require((int) Math.min(5, left));
    }
    if (left > 0 && readVarIntFlag()) {
      int start = position;
      int charCount = readVarIntFlag(true) - 1;
      position = start;
      if (charCount > left) {
        throw new KryoException("string of " + charCount + " characters claims more than the " + left
            + " bytes that remain in the message");
      }
    }
    return super.readString();
  }

  /**
   * Copies the next {@code count} elements of {@code width} bytes into an array; the caller has
   * checked that {@link #remaining()} covers them.
   */
  void readElements(int count, int width, MessageOutput.Elements elements) {
    int bytes = count * width;
    require(bytes);
    java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(buffer, position, bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    position += bytes;
    elements.copy(view, 0, count);
  }

  @Override
  public StringBuilder readStringBuilder() {
    String s = readString();
    return s == null ? null : new StringBuilder(s);
  }
}
