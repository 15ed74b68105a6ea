package ddl.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.util.function.Consumer;

/**
 * Feeds a socket's bytes to a frame decoder as Netty hands them over, without the heap copy
 * Vert.x makes for {@link NetSocket#handler}; each buffer is released after decoding.
 */
public final class SocketInput {
  private static final int MAX_READ_BYTES = 256 * 1024;

  private SocketInput() {}

  /** Routes the socket's incoming bytes to {@code decoder}, reporting each chunk's size first. */
  public static void attach(NetSocket socket, FrameDecoder decoder, Consumer<Integer> bytesRead) {
    NetSocketInternal internal = (NetSocketInternal) socket;
    // Reads grow up to MAX_READ_BYTES while the peer sends a lot (large frames), and shrink back
    // for small calls.
    internal.channelHandlerContext().channel().config()
        .setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES));
    internal.messageHandler(message -> {
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
