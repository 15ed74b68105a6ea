package ddl.transport;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/** A Kryo input that refuses a string whose announced length the remaining bytes cannot hold. */
final class CheckedInput extends Input {
  CheckedInput(byte[] buffer, int offset, int count) {
    super(buffer, offset, count);
  }

  @Override
  public String readString() {
    if (position < limit && readVarIntFlag()) {
      int start = position;
      int charCount = readVarIntFlag(true) - 1;
      position = start;
      if (charCount > limit - position) {
        throw new KryoException("string of " + charCount + " characters claims more than the "
            + (limit - position) + " bytes that remain in the message");
      }
    }
    return super.readString();
  }

  @Override
  public StringBuilder readStringBuilder() {
    String s = readString();
    return s == null ? null : new StringBuilder(s);
  }
}
