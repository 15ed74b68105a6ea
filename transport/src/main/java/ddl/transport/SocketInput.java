package ddl.transport;

import io.netty.buffer.ByteBuf;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.util.function.Consumer;

/**
 * Feeds a socket's bytes to a frame decoder as Netty hands them over, without the heap copy
 * Vert.x makes for {@link NetSocket#handler}; each buffer is released after decoding.
 */
public final class SocketInput {
  private SocketInput() {}

  /** Routes the socket's incoming bytes to {@code decoder}, reporting each chunk's size first. */
  public static void attach(NetSocket socket, FrameDecoder decoder, Consumer<Integer> bytesRead) {
    ((NetSocketInternal) socket).messageHandler(message -> {
      if (message instanceof ByteBuf buf) {
        try {
          bytesRead.accept(buf.readableBytes());
          decoder.handle(buf);
        } finally {
          buf.release();
        }
      }
    });
  }
}
